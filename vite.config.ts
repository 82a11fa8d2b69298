import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const repoRoot = fileURLToPath(new URL('.', import.meta.url));

// The renderer is built once and served from app:// in Electron and from the browser shell in tests.
export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [react()],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    sourcemap: false,
    target: 'chrome140',
    // Inline nothing: the CSP allows scripts, styles and fonts from 'self' only.
    assetsInlineLimit: 0,
    // One bundle for a desktop app loaded from disk; splitting would not speed anything up.
    chunkSizeWarningLimit: 1024,
  },
  test: {
    // Several tests run real servers, ESLint or an OIDC flow: 5 s (the default) is met on a quiet machine
    // but not on a loaded one, where such a test should be slower, not failed.
    testTimeout: 20_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'node',
          root: repoRoot,
          environment: 'node',
          include: [
            'shared/**/*.test.ts',
            'electron/**/*.test.ts',
            'build/**/*.test.ts',
            'eslint/**/*.test.ts',
            'scripts/**/*.test.ts',
            'e2e/provider/**/*.test.ts',
            'e2e/interop/**/*.test.ts',
            'e2e/support/**/*.test.ts',
            'e2e/shell/**/*.test.ts',
            'demo/**/*.test.ts',
          ],
        },
      },
      {
        extends: true,
        test: {
          name: 'renderer',
          root: repoRoot,
          environment: 'jsdom',
          include: ['renderer/**/*.test.{ts,tsx}'],
          // The style sheet's test reads it as text (`?raw`); every other test leaves CSS out.
          css: { include: [/renderer\/styles\/app\.css/] },
        },
      },
    ],
  },
});
