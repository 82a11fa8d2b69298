import type { Page } from 'playwright-core';
import { expect, test } from './support/fixtures.js';

/** What main sends when a tel:/callto:/sip: link opens the app (electron/platform/protocol-handler.ts). */
async function openLink(page: Page, target: string): Promise<void> {
  await page.evaluate((value) => window.__softphoneEvent('dial.request', { target: value }), target);
}

test('a tel: link fills the Phone screen’s number field and dials nothing', async ({ openApp }) => {
  const { page } = await openApp();
  await page.getByRole('button', { name: 'Continue without signing in' }).click();
  await page.getByRole('link', { name: 'Settings' }).click();
  await openLink(page, '+49 30 1234567');
  const field = page.getByLabel('Number or SIP address');
  await expect(field).toHaveValue('+49 30 1234567');
  await expect(page.getByRole('region', { name: /^Call with / })).toHaveCount(0);
  await openLink(page, 'sip:not-an-address');
  await expect(field).toHaveValue('sip:not-an-address');
  await expect(page.getByRole('alert')).toHaveText(
    'This SIP address is not valid. Use the form sip:name@domain.',
  );
});
