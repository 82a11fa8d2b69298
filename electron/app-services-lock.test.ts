import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SessionLockState } from '../shared/ipc/contract.js';
import { createAppServices, type AppServices } from './app-services.js';
import type { Timers } from './auth/sign-in-service.js';
import { filePolicySource } from './policy/source.js';
import { createMemorySecretStore } from './secrets/memory-secret-store.js';

const APP_URL = 'app://softphone/index.html';
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const START = Date.parse('2026-03-02T08:00:00Z');
const PROVIDER = {
  issuer: 'https://login.provider.example',
  clientId: 'softphone',
  wssUrl: 'wss://sip.provider.example',
  apiBaseUrl: 'https://api.provider.example',
};

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

/** A fake clock and the timers that run on it. */
function fakeClock() {
  let time = START;
  let nextId = 0;
  const pending = new Map<number, { at: number; callback: () => void }>();
  const timers: Timers = {
    set(callback, ms) {
      pending.set(++nextId, { at: time + ms, callback });
      return nextId;
    },
    clear: (handle) => void pending.delete(handle as number),
  };
  const advance = (ms: number) => {
    const end = time + ms;
    for (;;) {
      const due = [...pending.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      pending.delete(due[0]);
      time = due[1].at;
      due[1].callback();
    }
    time = end;
  };
  return { now: () => time, timers, advance };
}

/** Starts the services with a session in the keychain (restored at start, authenticated at `authTime`). */
async function startSignedIn(clock: ReturnType<typeof fakeClock>, authTime = START) {
  const secrets = createMemorySecretStore();
  await secrets.set(
    'identity-session',
    JSON.stringify({
      issuer: PROVIDER.issuer,
      clientId: PROVIDER.clientId,
      refreshToken: 'refresh-token',
      user: { name: 'Erika Muster', email: 'erika@example.com', roles: ['user'], method: 'provider' },
      authTime,
      amr: ['pwd', 'otp'],
    }),
  );
  const policyPath = join(dir, 'policy.json');
  await writeFile(
    policyPath,
    JSON.stringify({ provider: PROVIDER, idleLockMinutes: 10, sessionMaxAgeHours: 8 }),
  );
  const openExternal = async () => {};
  const opened: string[] = [];
  services = await createAppServices({
    dataDir: join(dir, 'data'),
    policy: filePolicySource(policyPath),
    systemLocale: 'de-DE',
    runtime: 'shell',
    platform: 'linux',
    appName: 'Secure Softphone',
    appVersion: '0.1.0',
    isTrustedSender: (url) => url === APP_URL,
    openExternal: async (url) => {
      opened.push(url);
      await openExternal();
    },
    secrets,
    now: clock.now,
    lockTimers: clock.timers,
    signInTimers: { set: () => null, clear: () => {} },
    // No IdP in these tests: every request to it fails.
    signInFetch: async () => {
      throw new Error('offline');
    },
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
    const clock = fakeClock();
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
    const clock = fakeClock();
    const { services, call } = await startSignedIn(clock);
    services.osLocked();
    expect(await call('session.lockState')).toEqual({ locked: true, reauthRequired: false });
    expect(await call('session.unlock')).toEqual({ locked: false, reauthRequired: false });
    services.systemSuspended();
    expect(await call('session.lockState')).toEqual({ locked: true, reauthRequired: false });
  });

  it('unlocks within the maximum session age without the IdP', async () => {
    const clock = fakeClock();
    const { call, opened, changes } = await startSignedIn(clock);
    clock.advance(10 * MINUTE);
    expect(await call('session.unlock')).toEqual({ locked: false, reauthRequired: false });
    expect(changes.at(-1)).toEqual({ locked: false, reauthRequired: false });
    expect(opened).toEqual([]);
  });

  it('requires the IdP again after the maximum session age', async () => {
    const clock = fakeClock();
    const { call } = await startSignedIn(clock, START - 7 * HOUR);
    clock.advance(2 * HOUR);
    expect(await call('session.lockState')).toEqual({ locked: true, reauthRequired: true });
    // Unlocking alone does not open the app.
    const after = await call('session.unlock');
    expect(after?.locked).toBe(true);
    expect(after?.reauthRequired).toBe(true);
  });
});
