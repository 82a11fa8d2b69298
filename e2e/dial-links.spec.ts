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

test('a link with service codes shows the exact digits and waits for Call; hidden characters are refused', async ({
  openApp,
}) => {
  const { page } = await openApp();
  await page.getByRole('button', { name: 'Continue without signing in' }).click();
  await openLink(page, '*21*0900123456#');
  await expect(page.getByRole('alert')).toContainText('This link dials a service code: *21*0900123456#.');
  await expect(page.getByRole('button', { name: 'Call *21*0900123456#' })).toBeVisible();
  await expect(page.getByRole('region', { name: /^Call with / })).toHaveCount(0);
  // What electron/platform/protocol-handler.ts makes of sip:%E2%80%AEalice@… (the escapes stay in view).
  await openLink(page, 'sip:%E2%80%AEalice@example.eu');
  await expect(page.getByLabel('Number or SIP address')).toHaveValue('sip:%E2%80%AEalice@example.eu');
  await expect(page.getByRole('alert')).toContainText('invisible characters');
});
