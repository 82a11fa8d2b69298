import AxeBuilder from '@axe-core/playwright';
import { expect, test } from './support/fixtures.js';
import { expectRegistered } from './support/phone.js';
import { providerPolicy, signInWithProviderAccount } from './support/sign-in.js';
import { readStackState } from './support/stack-state.js';

// Security & privacy in the browser shell against the provider test stack: a signed-in, registered user
// opens the screen by keyboard, and it tells what main sees now: the SIP edge's TLS through main's own
// probe, the encrypted database, the audit receiver; the data section is generated; axe finds nothing.

test('a user sees the connection, storage and data facts from live state, accessibly', async ({
  openApp,
}) => {
  test.setTimeout(90_000);
  const state = readStackState();
  const shell = await openApp({
    name: 'security-screen',
    policy: providerPolicy(state, { idleLockMinutes: 7 }),
  });
  const { page } = shell;
  await signInWithProviderAccount(shell, state.signInUsers.auditor);
  await expectRegistered(page);

  const link = page.getByRole('link', { name: 'Security & privacy' });
  await link.focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1, name: 'Security & privacy' })).toBeFocused();

  const fact = (region: string, label: string) =>
    page
      .getByRole('region', { name: region })
      .getByRole('term')
      .filter({ hasText: new RegExp(`^${label}$`) })
      .locator('xpath=following-sibling::dd[1]');
  const connection = 'Connection to your phone server';
  await expect(fact(connection, 'Server')).toHaveText(new URL(state.wssUrl).origin);
  await expect(fact(connection, 'State')).toHaveText('Secure connection, certificate trusted');
  await expect(fact(connection, 'Encryption')).toHaveText(/^TLS 1\.[23]$/);
  await expect(fact(connection, 'Certificate issued by')).not.toHaveText('Not known');
  await expect(fact('Stored on this computer', 'Calls, contacts and audit log')).toHaveText(
    'Encrypted (AES-256); its key is in the keychain',
  );
  await expect(fact('Audit log delivery', 'Sent to')).toHaveText(new URL(state.apiBaseUrl).host);
  await expect(fact('Lock', 'Locks when idle after')).toHaveText('7 minutes');
  await expect(fact('Rules in force', 'Set by')).toHaveText(/^Your company \(\d+ rules\)$/);

  const data = page.getByRole('region', { name: 'What is stored where, and who receives it' });
  await expect(data.getByRole('row', { name: /Call audio/ })).toContainText('Only during the call');
  await expect(data.getByRole('list').getByText('auth.signInSucceeded')).toBeVisible();

  // "Check again" is a button in the tab order, and answers again.
  await page.getByRole('button', { name: 'Check again' }).press('Enter');
  await expect(fact(connection, 'State')).toHaveText('Secure connection, certificate trusted');

  const axe = await new AxeBuilder({ page }).include('main').analyze();
  expect(axe.violations).toEqual([]);
});
