import { defineConfig } from '@playwright/test';

// Specs launch Debian's Chromium themselves (e2e/support/chromium.ts); Playwright's own browsers are never used.
export default defineConfig({
  testDir: 'e2e',
  testMatch: '**/*.spec.ts',
  globalSetup: './e2e/global-setup.ts',
  globalTeardown: './e2e/global-teardown.ts',
  outputDir: '.test-output/playwright',
  fullyParallel: false,
  workers: 2,
  timeout: 30_000,
  expect: { timeout: 5_000 },
  forbidOnly: !!process.env.CI,
  retries: 0,
  reporter: [
    ['list'],
    ['json', { outputFile: '.test-output/playwright.json' }],
    // The interop matrix (peer x feature) from the specs' `interop` annotations: .test-output/interop/matrix.md
    ['./e2e/interop/reporter.ts', { outputFolder: '.test-output/interop' }],
  ],
});
