import type { Page } from 'playwright-core';
import { expect, test } from './support/fixtures.js';

/** The checks both runtimes must pass: the app renders, talks to main, and names its navigation. */
async function smoke(page: Page): Promise<void> {
  await expect(page).toHaveTitle(/Secure Softphone/);
  await page.getByRole('button', { name: 'Continue without signing in' }).click();
  const nav = page.getByRole('navigation');
  await expect(nav).toBeVisible();
  for (const name of ['Phone', 'History', 'Contacts', 'Settings']) {
    await expect(nav.getByRole('link', { name })).toBeVisible();
  }
  await nav.getByRole('link', { name: 'Settings' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Settings' })).toBeVisible();
  // The version shown comes from main through window.softphone.
  await expect(page.getByText(/0\.1\.0/)).toBeVisible();
}

test('smoke: the app loads in the browser shell', async ({ openApp }) => {
  const { page } = await openApp();
  await smoke(page);
});

// The same app in real Electron, and what only Electron can show: e2e/electron/electron-app.spec.ts.
