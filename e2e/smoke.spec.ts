import { _electron as electron, type Page } from 'playwright-core';
import { fileURLToPath } from 'node:url';
import { expect, test } from './support/fixtures.js';
import { findElectronBinary } from './support/electron-binary.js';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));

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

test('smoke: the app loads in Electron', async () => {
  const binary = findElectronBinary();
  if ('missing' in binary) {
    console.log(`Electron smoke skipped: ${binary.missing}`);
    test.skip(true, binary.missing);
    return;
  }
  const app = await electron.launch({
    executablePath: binary.path,
    args: [repoRoot],
    env: { ...process.env, LANG: 'en_US.UTF-8' },
  });
  try {
    await smoke(await app.firstWindow());
  } finally {
    await app.close();
  }
});
