// @ts-check
// The layer rules of DESIGN.md, enforced by the linter so that a wrong import fails CI.
import { builtinModules } from 'node:module';

const nodeBuiltins = builtinModules.filter((name) => !name.startsWith('_'));
const nodeImports = [{ group: ['node:*'], message: 'Node APIs belong to electron/ (main process) only.' }];
// Bare builtin names ('fs', 'fs/promises') as exact paths: as patterns they would also match local folders.
const nodeBuiltinPaths = nodeBuiltins.map((name) => ({
  name,
  message: 'Node APIs belong to electron/ only.',
}));
const electronImport = {
  group: ['electron', 'electron/*'],
  message: "Only electron/main.ts, electron/preload.ts and electron/platform/** may import 'electron'.",
};

/** Browser globals that must not appear in environment-free code. */
const domGlobals = [
  'window',
  'document',
  'navigator',
  'localStorage',
  'sessionStorage',
  'HTMLElement',
  'location',
];

/** @type {import('eslint').Linter.Config[]} */
export const layerRules = [
  {
    files: ['shared/**/*.ts'],
    // Tests of shared code run under Node and may read fixture files.
    ignores: ['shared/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltinPaths,
          patterns: [
            ...nodeImports,
            electronImport,
            {
              group: ['**/electron/**', '**/renderer/**', 'react', 'react-dom', 'react/*'],
              message: 'shared/ depends on nothing but itself and pure libraries.',
            },
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        ...domGlobals.map((name) => ({ name, message: 'shared/ has no DOM.' })),
        { name: 'process', message: 'shared/ has no Node.' },
        { name: 'Buffer', message: 'shared/ has no Node.' },
      ],
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltinPaths,
          patterns: [
            ...nodeImports,
            electronImport,
            {
              group: ['**/electron/**'],
              message: 'The renderer reaches main only through window.softphone.',
            },
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'process', message: 'The renderer has no Node.' },
        { name: 'require', message: 'The renderer has no Node.' },
      ],
    },
  },
  {
    files: ['electron/**/*.ts'],
    ignores: ['electron/main.ts', 'electron/preload.ts', 'electron/platform/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            electronImport,
            { group: ['**/renderer/**'], message: 'electron/ never imports renderer/.' },
          ],
        },
      ],
    },
  },
  {
    files: ['electron/main.ts', 'electron/preload.ts', 'electron/platform/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/renderer/**'], message: 'electron/ never imports renderer/.' }] },
      ],
    },
  },
];
