import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestPki, type TestPki } from '../e2e/provider/certs.js';
import { startLoginBroker, type LoginBroker, type TestAccount } from '../e2e/provider/login-broker.js';
import { asCallback, asPage, TestBrowser } from '../e2e/provider/oidc-test-client.js';
import type { SignInState } from '../shared/domain/identity.js';
import type { SessionLockState } from '../shared/ipc/contract.js';
import { createAppServices, type AppServices } from './app-services.js';
import { asCustomFetch } from './auth/sign-in-service.js';
import { createTrustedFetch } from './net/http-client.js';
import { filePolicySource } from './policy/source.js';
import { createMemorySecretStore } from '../testing/memory-secret-store.js';
import {
  APP_URL,
  fakeClock,
  keychainWithSession,
  offlineSignIn,
  shellServiceDeps,
  TEST_PROVIDER,
} from '../testing/app-services.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const START = Date.parse('2026-03-02T08:00:00Z');

let dir: string;
let services: AppServices | null = null;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'services-lock-'));
});
afterEach(async () => {
  await services?.dispose();
  services = null;
  await rm(dir, { recursive: true, force: true });
});

/** Starts the services with a session in the keychain (restored at start, authenticated at `authTime`). */
async function startSignedIn(clock: ReturnType<typeof fakeClock>, authTime = START) {
  const secrets = await keychainWithSession({ roles: ['user'], authTime });
  const policyPath = join(dir, 'policy.json');
  await writeFile(
    policyPath,
    JSON.stringify({ provider: TEST_PROVIDER, idleLockMinutes: 10, sessionMaxAgeHours: 8 }),
  );
  const openExternal = async () => {};
  const opened: string[] = [];
  services = await createAppServices({
    dataDir: join(dir, 'data'),
    policy: filePolicySource(policyPath),
    systemLocale: 'de-DE',
    ...shellServiceDeps,
    openExternal: async (url) => {
      opened.push(url);
      await openExternal();
    },
    secrets,
    now: clock.now,
    lockTimers: clock.timers,
    // No IdP in these tests: every request to it fails.
    ...offlineSignIn,
    logError: () => {},
    notifier: { show: () => {}, dismiss: () => {} },
  });
  const changes: SessionLockState[] = [];
  services.onEvent((name, payload) => {
    if (name === 'session.lockChanged') changes.push(payload as SessionLockState);
  });
  const call = async (
    channel: 'session.lockState' | 'session.activity' | 'session.lock' | 'session.unlock',
  ) => {
    const result = await services!.router.handle(APP_URL, channel, undefined);
    if (!result.ok) throw new Error(`${channel} failed`);
    return result.value as SessionLockState | undefined;
  };
  return { services, changes, call, opened };
}

describe('session lock in the app services', () => {
  it('locks after the policy’s minutes without activity, and activity resets the idle time', async () => {
    const clock = fakeClock(START);
    const { call, changes } = await startSignedIn(clock);
    expect(await call('session.lockState')).toEqual({ locked: false, reauthRequired: false });
    clock.advance(9 * MINUTE);
    await call('session.activity');
    clock.advance(9 * MINUTE);
    expect(await call('session.lockState')).toEqual({ locked: false, reauthRequired: false });
    clock.advance(1 * MINUTE);
    expect(await call('session.lockState')).toEqual({ locked: true, reauthRequired: false });
    expect(changes.at(-1)).toEqual({ locked: true, reauthRequired: false });
    // Input while locked does not unlock.
    await call('session.activity');
    expect(await call('session.lockState')).toEqual({ locked: true, reauthRequired: false });
  });

  it('locks at once when the OS locks the screen or sleeps', async () => {
    const clock = fakeClock(START);
    const { services, call } = await startSignedIn(clock);
    services.osLocked();
    expect(await call('session.lockState')).toEqual({ locked: true, reauthRequired: false });
    expect(await call('session.unlock')).toEqual({ locked: false, reauthRequired: false });
    services.systemSuspended();
    expect(await call('session.lockState')).toEqual({ locked: true, reauthRequired: false });
  });

  it('unlocks within the maximum session age without the IdP', async () => {
    const clock = fakeClock(START);
    const { call, opened, changes } = await startSignedIn(clock);
    clock.advance(10 * MINUTE);
    expect(await call('session.unlock')).toEqual({ locked: false, reauthRequired: false });
    expect(changes.at(-1)).toEqual({ locked: false, reauthRequired: false });
    expect(opened).toEqual([]);
  });

  it('requires the IdP again after the maximum session age', async () => {
    const clock = fakeClock(START);
    const { call } = await startSignedIn(clock, START - 7 * HOUR);
    clock.advance(2 * HOUR);
    expect(await call('session.lockState')).toEqual({ locked: true, reauthRequired: true });
    // Unlocking alone does not open the app.
    const after = await call('session.unlock');
    expect(after?.locked).toBe(true);
    expect(after?.reauthRequired).toBe(true);
  });
});

/**
 * Past the policy's session age, Unlock signs in again at the in-process login broker (the test drives its
 * pages as the person would); the lock screen learns why that did not unlock.
 */
describe('unlocking with a renewed sign-in at the login broker', () => {
  const SIP = { wssUrl: 'wss://127.0.0.1:7443', domain: 'softphone.test' };
  const WAIT = { timeout: 15_000 };
  let pkiDir: string;
  let pki: TestPki;
  let broker: LoginBroker;
  let erika: TestAccount;
  /** Another account with Erika's e-mail address: only the subject tells them apart. */
  let twin: TestAccount;
  /** Another account without a second factor (the policy requires one). */
  let nico: TestAccount;
  // The person's browser: trusts the test CA.
  const browserFetch = createTrustedFetch(() => ({
    extraCaCertificates: [pki.caCertPem],
    pinnedSpkiSha256: [],
  }));

  beforeAll(async () => {
    pkiDir = await mkdtemp(join(tmpdir(), 'services-lock-broker-'));
    pki = await createTestPki(pkiDir);
    broker = await startLoginBroker({
      pki,
      sip: SIP,
      provisioner: { add: async () => undefined, remove: async () => undefined },
    });
    const user = (username: string, email: string, secondFactor: 'hwk' | 'none') =>
      broker.addUser({
        username,
        password: `${username}-password`,
        upstream: 'google',
        secondFactor,
        roles: ['user'],
        email,
        name: `Test ${username}`,
      });
    erika = user('erika', 'erika@example.test', 'hwk');
    twin = user('erika-twin', 'erika@example.test', 'hwk');
    nico = user('nico', 'nico@example.test', 'none');
  }, 30_000);
  afterAll(async () => {
    await browserFetch.close();
    await broker?.stop();
    await rm(pkiDir, { recursive: true, force: true });
  });

  /** The broker's pages up to the redirect to the app's listener; `cancel` presses Cancel instead. */
  async function browse(url: URL, user: TestAccount | 'cancel'): Promise<URL> {
    const browser = new TestBrowser(asCustomFetch(browserFetch), 'http://127.0.0.1:');
    const login = asPage(await browser.open(url.href));
    if (user === 'cancel') return asCallback(await browser.submit(login, 'Cancel'));
    const result = await browser.submit(login, 'Sign in', {
      'User name': user.username,
      Password: user.password,
    });
    return asCallback(
      user.secondFactor === 'hwk' ? await browser.submit(asPage(result), 'Use security key') : result,
    );
  }

  /** The browser follows the redirect to the app's loopback listener. */
  async function deliver(callback: URL) {
    await (await fetch(callback.href)).text();
  }

  /** The services signed in as Erika at the broker, with a clock that starts now. */
  async function signedInAtBroker() {
    const clock = fakeClock(Date.now());
    const signInTimers = new Map<number, { callback: () => void; ms: number }>();
    let nextTimer = 0;
    const opened: URL[] = [];
    const errors: string[] = [];
    const policyPath = join(dir, 'policy.json');
    await writeFile(
      policyPath,
      JSON.stringify({
        provider: broker.providerFor(SIP.wssUrl),
        extraCaCertificates: [pki.caCertPem],
        idleLockMinutes: 180,
        sessionMaxAgeHours: 1,
      }),
    );
    services = await createAppServices({
      dataDir: join(dir, 'data'),
      policy: filePolicySource(policyPath),
      systemLocale: 'en-GB',
      ...shellServiceDeps,
      openExternal: async (url) => void opened.push(new URL(url)),
      secrets: createMemorySecretStore(),
      now: clock.now,
      lockTimers: clock.timers,
      // The sign-in's timers (its timeout among them) fire only when a test says so.
      signInTimers: {
        set(callback, ms) {
          signInTimers.set(++nextTimer, { callback, ms });
          return nextTimer;
        },
        clear: (handle) => void signInTimers.delete(handle as number),
      },
      logError: (message, error) => errors.push(`${message}: ${String(error)}`),
      notifier: { show: () => {}, dismiss: () => {} },
    });
    const changes: SessionLockState[] = [];
    const signInStates: SignInState[] = [];
    services.onEvent((name, payload) => {
      if (name === 'session.lockChanged') changes.push(payload as SessionLockState);
      if (name === 'signIn.changed') signInStates.push(payload as SignInState);
    });
    const invoke = async (channel: string, input?: unknown) => {
      const result = await services!.router.handle(APP_URL, channel, input);
      if (!result.ok) throw new Error(`${channel} failed: ${JSON.stringify(result)}`);
      return result.value;
    };
    /** The next URL the app opens in "the browser". */
    const nextOpened = async () => {
      const before = opened.length;
      await expect.poll(() => opened.length, WAIT).toBeGreaterThan(before);
      return opened.at(-1)!;
    };
    const firstUrl = nextOpened();
    await invoke('signIn.start', { method: 'google' });
    await deliver(await browse(await firstUrl, erika));
    await expect.poll(() => signInStates.at(-1)?.status, WAIT).toBe('signed-in');
    /** Locks, and lets the session grow just past its maximum age. */
    const lockPastMaxAge = async () => {
      await invoke('session.lock');
      clock.advance(HOUR + 10_000);
      expect(await invoke('session.lockState')).toEqual({ locked: true, reauthRequired: true });
    };
    /** Presses Unlock; returns what main answered and the broker page it opened. */
    const pressUnlock = async () => {
      const url = nextOpened();
      const state = (await invoke('session.unlock')) as SessionLockState;
      return { state, url: await url };
    };
    const fireTimeout = () => {
      const [id, timer] = [...signInTimers].find(([, t]) => t.ms === 5 * MINUTE)!;
      signInTimers.delete(id);
      timer.callback();
    };
    return { invoke, changes, errors, lockPastMaxAge, pressUnlock, fireTimeout };
  }

  it('another account cannot unlock, not even one with the same e-mail address; the lock screen learns why', async () => {
    const { invoke, changes, lockPastMaxAge, pressUnlock } = await signedInAtBroker();
    await lockPastMaxAge();
    const first = await pressUnlock();
    expect(first.state).toEqual({ locked: true, reauthRequired: true });
    expect(first.url.searchParams.get('prompt')).toBe('login');
    await deliver(await browse(first.url, twin));
    const refused = { locked: true, reauthRequired: true, unlockFailure: 'wrong-account' };
    await expect.poll(() => changes.at(-1), WAIT).toEqual(refused);
    expect(await invoke('session.lockState')).toEqual(refused);

    // Unlock again clears the reason; Erika herself unlocks.
    const second = await pressUnlock();
    expect(second.state).toEqual({ locked: true, reauthRequired: true });
    expect(await invoke('session.lockState')).toEqual({ locked: true, reauthRequired: true });
    await deliver(await browse(second.url, erika));
    await expect.poll(() => changes.at(-1), WAIT).toEqual({ locked: false, reauthRequired: false });
  }, 30_000);

  it('reports a sign-in without the second factor policy requires, Cancel at the broker and the timeout', async () => {
    const { invoke, changes, errors, lockPastMaxAge, pressUnlock, fireTimeout } = await signedInAtBroker();
    await lockPastMaxAge();
    const failure = (reason: string) => ({ locked: true, reauthRequired: true, unlockFailure: reason });

    await deliver(await browse((await pressUnlock()).url, nico));
    await expect.poll(() => changes.at(-1), WAIT).toEqual(failure('mfa-missing'));

    await deliver(await browse((await pressUnlock()).url, 'cancel'));
    await expect.poll(() => changes.at(-1), WAIT).toEqual(failure('cancelled'));

    // Cancel on the lock screen (the browser may be hidden) ends the renewed sign-in the same way.
    await pressUnlock();
    const beforeCancel = changes.length;
    await invoke('session.cancelUnlock');
    await expect.poll(() => changes.slice(beforeCancel), WAIT).toEqual([failure('cancelled')]);
    // Still signed in (a signed-out app has no lock), and still nothing personal for the window.
    expect(await invoke('session.lockState')).toEqual(failure('cancelled'));
    await expect(invoke('signIn.state')).rejects.toThrow('"code":"locked"');

    await pressUnlock();
    fireTimeout();
    await expect.poll(() => changes.at(-1), WAIT).toEqual(failure('timeout'));
    expect(await invoke('session.lockState')).toEqual(failure('timeout'));
    // Told to the person, not errors of the app.
    expect(errors.filter((line) => line.startsWith('Signing in again'))).toEqual([]);
  }, 30_000);

  it('pressing Unlock again while the browser is open starts over, without an error or a failure', async () => {
    const { changes, errors, lockPastMaxAge, pressUnlock } = await signedInAtBroker();
    await lockPastMaxAge();
    const before = changes.length;
    const abandoned = await pressUnlock();
    const again = await pressUnlock();
    expect(again.url.searchParams.get('state')).not.toBe(abandoned.url.searchParams.get('state'));
    await deliver(await browse(again.url, erika));
    await expect.poll(() => changes.at(-1), WAIT).toEqual({ locked: false, reauthRequired: false });
    // The abandoned sign-in ended (aborted) before the one that unlocked: it was neither reported nor logged.
    expect(changes.slice(before)).toEqual([{ locked: false, reauthRequired: false }]);
    expect(errors.filter((line) => /unlock|new sign-in/i.test(line))).toEqual([]);
  }, 30_000);
});
