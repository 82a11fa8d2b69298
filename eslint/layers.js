// @ts-check
// The layer rules of docs/architecture.md (Folders and layers), enforced by the linter so that a wrong
// import fails CI.
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

/**
 * Test code: production files (everything in shared/, renderer/ and electron/ that is not a test file)
 * never import it. Harnesses and test programs live in testing/, the end-to-end stack in e2e/.
 */
const testCodeImports = {
  group: ['vitest', 'vitest/*', '@testing-library/*', '**/e2e/**', '**/testing/**'],
  message: 'Production code never imports test code (vitest, e2e/, testing/): see docs/architecture.md.',
};
const testFiles = ['**/*.test.ts', '**/*.test.tsx'];

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

/**
 * The import restrictions of one layer: `files` with `patterns` (and `paths`), and the same again with the
 * test-code patterns for the layer's production files. (In a flat config the last matching block sets a
 * rule, so the production block repeats the layer's own restrictions.)
 * @param {{ files: string[], ignores?: string[], paths?: object[], patterns: object[] }} layer
 * @returns {import('eslint').Linter.Config[]}
 */
function importRules({ files, ignores = [], paths = [], patterns }) {
  const rule = (/** @type {object[]} */ extra) => [
    'error',
    { ...(paths.length > 0 && { paths }), patterns: [...patterns, ...extra] },
  ];
  return [
    { files, ignores, rules: { 'no-restricted-imports': rule([]) } },
    {
      files,
      ignores: [...ignores, ...testFiles],
      rules: { 'no-restricted-imports': rule([testCodeImports]) },
    },
  ];
}

const electronNeverImportsRenderer = {
  group: ['**/renderer/**'],
  message: 'electron/ never imports renderer/.',
};

/** @type {import('eslint').Linter.Config[]} */
export const layerRules = [
  ...importRules({
    files: ['shared/**/*.ts'],
    paths: nodeBuiltinPaths,
    patterns: [
      ...nodeImports,
      electronImport,
      {
        group: ['**/electron/**', '**/renderer/**', 'react', 'react-dom', 'react/*'],
        message: 'shared/ depends on nothing but itself and pure libraries.',
      },
    ],
    // Tests of shared code run under Node and may read fixture files.
    ignores: ['shared/**/*.test.ts'],
  }),
  {
    files: ['shared/**/*.ts'],
    ignores: ['shared/**/*.test.ts'],
    rules: {
      'no-restricted-globals': [
        'error',
        ...domGlobals.map((name) => ({ name, message: 'shared/ has no DOM.' })),
        { name: 'process', message: 'shared/ has no Node.' },
        { name: 'Buffer', message: 'shared/ has no Node.' },
      ],
    },
  },
  ...importRules({
    files: ['renderer/**/*.{ts,tsx}'],
    paths: nodeBuiltinPaths,
    patterns: [
      ...nodeImports,
      electronImport,
      { group: ['**/electron/**'], message: 'The renderer reaches main only through window.softphone.' },
    ],
  }),
  {
    files: ['renderer/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-globals': [
        'error',
        { name: 'process', message: 'The renderer has no Node.' },
        { name: 'require', message: 'The renderer has no Node.' },
      ],
    },
  },
  ...importRules({
    files: ['electron/**/*.ts'],
    ignores: ['electron/main.ts', 'electron/preload.ts', 'electron/platform/**'],
    patterns: [electronImport, electronNeverImportsRenderer],
  }),
  ...importRules({
    files: ['electron/main.ts', 'electron/preload.ts', 'electron/platform/**/*.ts'],
    patterns: [electronNeverImportsRenderer],
  }),
];
