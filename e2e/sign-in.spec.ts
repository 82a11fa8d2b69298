import { spawnSync } from 'node:child_process';
import type { Page } from 'playwright-core';
import { createKeytarSecretStore } from '../electron/secrets/secret-store.js';
import { answersWhileLocked, channelNames } from '../shared/ipc/contract.js';
import { SipCredentials } from '../shared/provider/api.js';
import { kamcmd } from './provider/kamailio.js';
import type { TestAccount } from './provider/login-broker.js';
import { registerWithHa1 } from './provider/sip-register.js';
import type { Shell } from './shell/shell.js';
import { expect, test } from './support/fixtures.js';
import { answered, dialFrom, expectRegistered } from './support/phone.js';
import { completeAtBroker, providerPolicy, signOut } from './support/sign-in.js';
import { readStackState } from './support/stack-state.js';

// The seeded users are shared by the whole run: one sign-in of a user at a time (each sign-in rotates
// that user's SIP password at the edge).
test.describe.configure({ mode: 'serial' });

type Method = TestAccount['upstream'];

const BUTTONS: Record<Exclude<Method, 'company'>, string> = {
  google: 'Continue with Google',
  apple: 'Continue with Apple',
  provider: 'Provider account',
};

/** Chooses the sign-in on the app's screen and returns the broker's page the app opened in "the browser". */
async function choose(shell: Shell, user: TestAccount, method: Method): Promise<Page> {
  const opened = shell.context.waitForEvent('page');
  const { page } = shell;
  if (method === 'company') {
    await page.getByLabel('Work e-mail address').fill(user.email);
    await page.getByRole('button', { name: 'Continue with company SSO' }).click();
  } else {
    await page.getByRole('button', { name: BUTTONS[method] }).click();
  }
  return opened;
}

async function signIn(shell: Shell, user: TestAccount, method: Method = user.upstream): Promise<void> {
  const broker = await choose(shell, user, method);
  await expect(shell.page.getByRole('status').filter({ hasText: 'Continue in your browser' })).toBeVisible();
  await completeAtBroker(broker, user);
}

function keychainItems(service: string): string {
  const result = spawnSync('secret-tool', ['search', '--all', 'service', service], { encoding: 'utf8' });
  return `${result.stdout}${result.stderr}`.trim();
}

test.describe('sign-in with the provider', () => {
  for (const key of ['provider', 'google', 'apple', 'company'] as const) {
    test(`signs in with ${key}, provisions and registers with the provisioned credentials`, async ({
      openApp,
    }) => {
      // The broker's pages, registration, Settings and sign-out: more than 30 s on a busy machine.
      test.setTimeout(60_000);
      const state = readStackState();
      const user = state.signInUsers[key];
      const shell = await openApp({ name: key, policy: providerPolicy(state) });
      await signIn(shell, user);
      // Signed in and registered: the Phone screen, ready.
      await expectRegistered(shell.page);
      await expect(shell.page.getByRole('heading', { name: 'Phone' })).toBeVisible();
      await shell.page.getByRole('link', { name: 'Settings' }).click();
      await expect(shell.page.getByText(`Signed in as ${user.name} (${user.email})`)).toBeVisible();
      // Roles from the ID token: administrators get the policy screen, users do not.
      const policyLink = shell.page.getByRole('link', { name: 'Policy' });
      if (user.roles[0] === 'admin') {
        await policyLink.click();
        await expect(
          shell.page.getByRole('heading', { name: 'Policy in force on this device' }),
        ).toBeVisible();
        await shell.page.getByRole('link', { name: 'Settings' }).click();
      } else {
        await expect(policyLink).toHaveCount(0);
      }
      await expect(
        shell.page.getByText(`Current account: sip:${user.sipUsername}@${state.sipDomain}`),
      ).toBeVisible();
      await signOut(shell);
    });
  }

  test('two signed-in instances call each other with their provisioned accounts', async ({ openApp }) => {
    // Two sign-ins through the broker, then a call: more than the default 30 s on a slow machine.
    test.setTimeout(60_000);
    const state = readStackState();
    const paula = state.signInUsers.provider;
    const carla = state.signInUsers.company;
    const a = await openApp({ name: 'paula', policy: providerPolicy(state) });
    const b = await openApp({ name: 'carla', policy: providerPolicy(state) });
    await signIn(a, paula);
    await expectRegistered(a.page);
    await signIn(b, carla, 'company');
    await expectRegistered(b.page);

    const { outgoing } = await answered(
      await dialFrom(a.page, b.page, `sip:${carla.sipUsername}@${state.sipDomain}`),
    );
    await outgoing.getByRole('button', { name: 'Hang up' }).click();
    await signOut(a);
    await signOut(b);
  });

  test('refuses a Google account without a second factor while policy requires MFA', async ({ openApp }) => {
    const state = readStackState();
    const nico = state.signInUsers.googleWithoutMfa;
    const strict = await openApp({ name: 'strict', policy: providerPolicy(state) });
    await signIn(strict, nico);
    await expect(strict.page.getByRole('alert')).toContainText('Your organisation requires a second factor');
    await expect(strict.page.getByRole('heading', { name: 'Sign in' })).toBeVisible();

    const relaxed = await openApp({ name: 'relaxed', policy: providerPolicy(state, { requireMfa: false }) });
    await signIn(relaxed, nico);
    await expectRegistered(relaxed.page);
    await signOut(relaxed);
  });

  test('"Lock now" hides everything personal until Unlock, which needs no sign-in within the session age', async ({
    openApp,
  }) => {
    test.setTimeout(60_000);
    const state = readStackState();
    const user = state.signInUsers.provider;
    const shell = await openApp({ name: 'session-lock', policy: providerPolicy(state) });
    await signIn(shell, user);
    await expect(shell.page.getByRole('heading', { name: 'Phone' })).toBeVisible();
    await shell.page.getByRole('button', { name: 'Lock now' }).click();
    await expect(shell.page.getByRole('heading', { name: 'The app is locked' })).toBeVisible();
    await expect(shell.page.getByRole('navigation')).toHaveCount(0);
    await expect(shell.page.getByText(user.name)).toHaveCount(0);
    const pages = shell.context.pages().length;
    await shell.page.getByRole('button', { name: 'Unlock' }).click();
    await expect(shell.page.getByRole('heading', { name: 'Phone' })).toBeVisible();
    // Within the session age, unlocking opened no browser.
    expect(shell.context.pages()).toHaveLength(pages);
    await signOut(shell);
  });

  test('while locked, main refuses every data channel called through window.softphone, also after a reload', async ({
    openApp,
  }) => {
    test.setTimeout(60_000);
    const state = readStackState();
    const user = state.signInUsers.provider;
    const shell = await openApp({ name: 'locked-channels', policy: providerPolicy(state) });
    const { page } = shell;
    await signIn(shell, user);
    await expectRegistered(page);
    await page.getByRole('button', { name: 'Lock now' }).click();
    await expect(page.getByRole('heading', { name: 'The app is locked' })).toBeVisible();

    // Every channel of the contract through the page's own bridge (input that would do is beside the point:
    // the lock is checked first), except Unlock, which would end the lock it is to show.
    const probed = channelNames.filter((name) => name !== 'session.unlock');
    const expectRefused = async () => {
      const codes = await page.evaluate(async (names) => {
        const answered: Record<string, string> = {};
        for (const name of names) {
          const result = await window.softphone!.invoke(name as never, undefined as never);
          answered[name] = result.ok ? 'ok' : result.error.code;
        }
        return answered;
      }, probed);
      const refused = probed.filter((name) => codes[name] === 'locked');
      expect(refused).toEqual(channelNames.filter((name) => !answersWhileLocked(name)));
      // The lock screen's own channels still answer (input permitting), never with `locked`.
      for (const name of probed.filter(answersWhileLocked)) expect(codes[name], name).not.toBe('locked');
      return refused;
    };
    const refused = await expectRefused();
    console.log(
      `locked: ${refused.length} of ${channelNames.length} channels refused through window.softphone; ` +
        `answered: ${channelNames.filter(answersWhileLocked).join(', ')}`,
    );

    // A reload keeps the lock: main holds it, the page asks again and shows the lock screen.
    await page.reload();
    await expect(page.getByRole('heading', { name: 'The app is locked' })).toBeVisible();
    await expect(page.getByRole('navigation')).toHaveCount(0);
    await expect(page.getByText(user.name)).toHaveCount(0);
    await expectRefused();

    // Unlock brings back what the view needs: the screens, the account and the phone's registration.
    await page.getByRole('button', { name: 'Unlock' }).click();
    await expect(page.getByRole('heading', { name: 'Phone' })).toBeVisible();
    await expectRegistered(page);
    await page.getByRole('link', { name: 'Settings' }).click();
    await expect(page.getByText(`Signed in as ${user.name} (${user.email})`)).toBeVisible();
    await signOut(shell);
  });

  test('with a policy of one idle minute, the app locks by itself when nobody uses it', async ({
    openApp,
  }) => {
    test.setTimeout(150_000);
    const state = readStackState();
    const user = state.signInUsers.provider;
    const shell = await openApp({ name: 'idle-lock', policy: providerPolicy(state, { idleLockMinutes: 1 }) });
    await signIn(shell, user);
    await expect(shell.page.getByRole('heading', { name: 'Phone' })).toBeVisible();
    // No input from here on: the lock screen appears when the policy's minute has passed.
    await expect(shell.page.getByRole('heading', { name: 'The app is locked' })).toBeVisible({
      timeout: 100_000,
    });
    await expect(shell.page.getByRole('navigation')).toHaveCount(0);
    await shell.page.getByRole('button', { name: 'Unlock' }).click();
    await expect(shell.page.getByRole('heading', { name: 'Phone' })).toBeVisible();
    await signOut(shell);
  });

  test('Cancel in the app ends the sign-in', async ({ openApp }) => {
    const state = readStackState();
    const shell = await openApp({ name: 'cancel', policy: providerPolicy(state) });
    await choose(shell, state.signInUsers.google, 'google');
    const cancel = shell.page.getByRole('button', { name: 'Cancel' });
    await expect(cancel).toBeFocused();
    await shell.page.keyboard.press('Enter');
    await expect(shell.page.getByRole('alert')).toHaveText('Sign-in was cancelled.');
    await expect(shell.page.getByRole('button', { name: 'Continue with Google' })).toBeEnabled();
  });

  test('sign-out revokes, leaves nothing in the keychain, and the old credentials are refused', async ({
    openApp,
  }, testInfo) => {
    const state = readStackState();
    const arthur = state.signInUsers.apple;
    const shell = await openApp({ name: 'signout', policy: providerPolicy(state) });
    const service = `secure-softphone-e2e-${testInfo.testId}-signout`;
    await signIn(shell, arthur);
    await expectRegistered(shell.page);
    const stored = await createKeytarSecretStore({ service }).get('provisioned-sip-credentials');
    const credentials = SipCredentials.parse(JSON.parse(stored!));
    expect(keychainItems(service)).toContain('provisioned-sip-credentials');

    await signOut(shell);
    await expect(shell.page.getByRole('navigation').getByRole('status')).toHaveText('Offline');

    // No item of the app's session is left in the keychain (the database key is not the session's).
    const left = keychainItems(service);
    expect(left).not.toContain('identity-session');
    expect(left).not.toContain('provisioned-sip-credentials');
    // The registration is gone from Kamailio, and the old HA1 no longer registers.
    await expect
      .poll(() => kamcmd(state.ctlSocket, 'ul.lookup', 'location', arthur.sipUsername))
      .toMatch(/AOR not found/);
    expect(await registerWithHa1(state.udpPort, credentials, credentials.ha1!)).not.toBe(200);
  });
});
