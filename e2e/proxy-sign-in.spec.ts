import AxeBuilder from '@axe-core/playwright';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { createKeytarSecretStore } from '../electron/secrets/secret-store.js';
import { startCompanyNetwork, type CompanyNetwork } from './support/company-network.js';
import { expect, test } from './support/fixtures.js';
import { expectRegistered } from './support/phone.js';
import { providerAuditEvents } from './support/provider-audit.js';
import { completeAtBroker } from './support/sign-in.js';

// Issue 17 item 7, "with proxy authentication": the company's proxy (tinyproxy with BasicAuth, direct
// connections to the provider refused) asks for a sign-in that no setting carries. Main's HTTP client
// meets its 407, the app asks the person once in its own dialog, keeps the answer in the keychain and
// carries on; a wrong password is named and asked again; Cancel leaves "Proxy sign-in needed".

const credentials = { username: 'carla', password: `proxy-${Math.random().toString(36).slice(2)}` };
const wrongPassword = `wrong-${Math.random().toString(36).slice(2)}`;

let network: CompanyNetwork;

test.beforeAll(async () => {
  network = await startCompanyNetwork({ credentials });
});

test.afterAll(async () => {
  await network?.stop();
});

/** Every file below `dir`, as bytes. */
async function filesBelow(dir: string): Promise<{ path: string; bytes: Buffer }[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return Promise.all(
    entries
      .filter((entry) => entry.isFile())
      .map(async (entry) => {
        const path = join(entry.parentPath, entry.name);
        return { path, bytes: await readFile(path) };
      }),
  );
}

async function expectAccessible(page: Page): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze();
  expect(
    results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
  ).toEqual([]);
}

/** Answers the dialog by keyboard only: user name (focused first), Tab, password, Enter. */
async function answerByKeyboard(page: Page, username: string, password: string): Promise<void> {
  await expect(page.getByLabel('User name')).toBeFocused();
  await page.keyboard.type(username);
  await page.keyboard.press('Tab');
  await expect(page.getByLabel('Password', { exact: true })).toBeFocused();
  await page.keyboard.type(password);
  await page.keyboard.press('Enter');
}

test(
  'the app asks for the proxy sign-in once, keeps it in the keychain and asks again when refused',
  { annotation: { type: 'interop', description: 'tinyproxy | BasicAuth asked in the app | -' } },
  async ({ openApp }, testInfo) => {
    // Three rounds with the proxy and a sign-in through the broker's pages: ~15 s quiet, more under load.
    test.setTimeout(180_000);
    const { proxy, users, firewall } = network;
    const refusedBefore = await firewall.refused();
    const proxyName = `127.0.0.1:${proxy.port}`;
    const app = await openApp({
      name: 'paula',
      policy: network.policy,
      proxy: { server: proxy.url, ...credentials, signInInApp: true },
    });
    const { page } = app;
    const dialog = page.getByRole('dialog', { name: 'Sign in to your company network' });
    const needed = page.getByRole('status').filter({ hasText: 'Proxy sign-in needed.' });

    // At start main asks the provider's status page: the proxy's 407 opens the dialog, in the person's words.
    await expect(dialog).toBeVisible({ timeout: 20_000 });
    await expect(dialog).toContainText(
      `Your company network asks for a sign-in to its proxy (${proxyName}) before the app can reach your provider.`,
    );
    await expectAccessible(page);
    await page.screenshot({ path: testInfo.outputPath('proxy-sign-in-dialog.png') });

    // Cancel (Escape): no hang, a visible state that says what is missing.
    await page.keyboard.press('Escape');
    await expect(dialog).toBeHidden();
    await expect(needed).toBeVisible();

    // Sign-in needs the issuer: its discovery meets the proxy, and the dialog asks again while it waits.
    await page.getByRole('button', { name: 'Provider account' }).click();
    await expect(dialog).toBeVisible();
    await answerByKeyboard(page, credentials.username, wrongPassword);
    // tinyproxy refuses the wrong password (401): the same waiting request asks again, saying so.
    await expect(dialog.getByRole('alert')).toHaveText(
      'The proxy did not accept this user name or password. Please check them and try again.',
    );
    await expect(page.getByLabel('User name')).toBeFocused();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    // The final state after a wrong password: the sign-in failed, the notice names the refusal.
    await expect(
      page.getByRole('alert').filter({ hasText: 'Your provider could not be reached.' }),
    ).toBeVisible();
    await expect(needed).toContainText(`The proxy (${proxyName}) did not accept the user name or password.`);
    await expectAccessible(page);
    await page.screenshot({ path: testInfo.outputPath('proxy-sign-in-needed.png') });

    // "Sign in to the proxy" on the notice asks again; the right password opens the way.
    await page.getByRole('button', { name: 'Sign in to the proxy' }).click();
    await answerByKeyboard(page, credentials.username, credentials.password);
    await expect(dialog).toBeHidden();
    await expect(needed).toBeHidden();
    const opened = app.context.waitForEvent('page');
    await page.getByRole('button', { name: 'Provider account' }).click();
    await completeAtBroker(await opened, users.provider);
    await expectRegistered(page);
    await expect(dialog).toBeHidden();

    // Audit sync went through the proxy with the same sign-in.
    await expect
      .poll(() => providerAuditEvents({ type: 'auth.signInSucceeded' }, network.auditDatabasePath).length, {
        timeout: 20_000,
      })
      .toBe(1);
    expect(await proxy.requests()).toContain(`CONNECT ${new URL(network.broker.issuer).host}`);
    expect(await firewall.refused()).toBe(refusedBefore);

    // Kept in the keychain only: not in the app's files (database, settings), not in the provider's audit log.
    const keychain = createKeytarSecretStore({ service: `secure-softphone-e2e-${testInfo.testId}-paula` });
    const item = `proxy-sign-in:${proxyName}`;
    expect(JSON.parse((await keychain.get(item)) ?? 'null')).toEqual(credentials);
    for (const { path, bytes } of await filesBelow(testInfo.outputPath('paula-data')))
      expect(bytes.includes(credentials.password), path).toBe(false);
    const audit = JSON.stringify(providerAuditEvents({}, network.auditDatabasePath));
    expect(audit).not.toContain(credentials.password);
    expect(audit).not.toContain(wrongPassword);

    // Settings names the sign-in by user name, and forgets it.
    await page.getByRole('link', { name: 'Settings' }).click();
    const section = page.getByRole('region', { name: 'Company network' });
    await expect(section).toContainText(`Signed in to the proxy ${proxyName} as carla.`);
    await section.getByRole('button', { name: `Forget the sign-in to the proxy ${proxyName}` }).click();
    await expect(section).toBeHidden();
    expect(await keychain.get(item)).toBeNull();
  },
);
