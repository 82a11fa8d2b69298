// @ts-check
import js from '@eslint/js';
import jsxA11y from 'eslint-plugin-jsx-a11y';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import { layerRules } from './eslint/layers.js';

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'release/**',
      '.tools/**',
      'node_modules/**',
      'bench/results/**',
      'test-results/**',
      '.test-output/**',
      'eslint/fixtures/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: globals.browser },
    plugins: { 'react-hooks': reactHooks, 'jsx-a11y': jsxA11y },
    rules: { ...reactHooks.configs.recommended.rules, ...jsxA11y.flatConfigs.strict.rules },
  },
  {
    files: [
      'electron/**/*.ts',
      'e2e/**/*.ts',
      'testing/**/*.ts',
      'scripts/**/*.{js,mjs}',
      'demo/**/*.ts',
      'bench/**/*.ts',
      'build/**/*.{ts,mjs}',
      'eslint/**/*.{js,ts}',
      '*.config.{ts,js}',
    ],
    languageOptions: { globals: globals.node },
  },
  ...layerRules,
);
