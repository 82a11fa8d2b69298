import AxeBuilder from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import type { Shell } from './shell/shell.js';
import { expect, test } from './support/fixtures.js';
import { completeAtBroker, providerPolicy } from './support/sign-in.js';
import { readStackState } from './support/stack-state.js';

// The audit log's admin screen in the browser shell, against the provider test stack: an administrator
// signs in (company SSO with TOTP), and the events of the start and of the sign-in reach the provider's
// audit endpoint: the screen shows the chain intact and nothing left waiting for delivery (the app marks
// an event delivered only when the provider's answer names it).

async function signInAsAdmin(page: Page, context: Shell['context']) {
  const state = readStackState();
  const user = state.signInUsers.company;
  const opened = context.waitForEvent('page');
  await page.getByLabel('Work e-mail address').fill(user.email);
  await page.getByRole('button', { name: 'Continue with company SSO' }).click();
  await completeAtBroker(await opened, user);
  return user;
}

test('an administrator sees the audit log, its intact chain, and every event delivered', async ({
  openApp,
}) => {
  test.setTimeout(60_000);
  const state = readStackState();
  const shell = await openApp({
    name: 'audit-admin',
    policy: providerPolicy(state),
  });
  const { page } = shell;
  await signInAsAdmin(page, shell.context);
  await expect(page.getByRole('heading', { name: 'Phone' })).toBeVisible({ timeout: 20_000 });

  const link = page.getByRole('link', { name: 'Audit log' });
  await link.focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1, name: 'Audit log' })).toBeFocused();
  await expect(page.getByText(/^Intact: \d+ events, every link verified\.$/)).toBeVisible();

  const sync = page.getByRole('region', { name: 'Delivery to the provider' });
  await sync.getByRole('button', { name: 'Sync now' }).click();
  // Nothing waits: the provider acknowledged every event, the sign-in among them.
  await expect(sync.getByRole('definition').nth(1)).toHaveText('0', { timeout: 15_000 });
  await expect(sync.getByRole('definition').nth(2)).not.toHaveText('Never');

  const log = page.getByRole('region', { name: 'Events on this device' });
  await log.getByLabel('Type').selectOption('auth.signInSucceeded');
  await expect(log.getByRole('table', { name: '1 event, newest first' })).toBeVisible();
  // The event in words, its details on demand.
  const row = log.getByRole('row').filter({ hasText: 'Signed in' });
  await row.getByText('Show details').click();
  const detail = (term: string) =>
    row.getByRole('term').filter({ hasText: term }).locator('xpath=following-sibling::dd[1]');
  await expect(detail('Sign-in method')).toHaveText('company SSO');
  await expect(detail('Second factor')).toHaveText('Yes');

  const axe = await new AxeBuilder({ page }).include('main').analyze();
  expect(axe.violations).toEqual([]);
});
