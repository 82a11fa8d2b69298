import type { UserRole } from '../shared/ipc/contract.js';
import type { AppServicesDeps } from '../electron/app-services.js';
import type { Timers } from '../electron/auth/sign-in-service.js';
import type { PolicyReadResult, PolicySource } from '../electron/policy/source.js';
import type { SecretStore } from '../electron/secrets/secret-store.js';
import { createMemorySecretStore } from './memory-secret-store.js';

/** The renderer's origin in the app-services tests: the only trusted sender. */
export const APP_URL = 'app://softphone/index.html';

/** The provider of the app-services tests' policy (no server behind it unless a test starts one). */
export const TEST_PROVIDER = {
  issuer: 'https://login.provider.example',
  clientId: 'softphone',
  wssUrl: 'wss://sip.provider.example',
  apiBaseUrl: 'https://api.provider.example',
};

/** What every app-services test gives the services alike: the browser shell on Linux, trusting APP_URL. */
export const shellServiceDeps = {
  runtime: 'shell',
  platform: 'linux',
  appName: 'Secure Softphone',
  appVersion: '0.1.0',
  isTrustedSender: (url: string) => url === APP_URL,
  // The test provider has no status page; nothing leaves the machine.
  statusFetch: async () => new Response('not found', { status: 404 }),
} as const satisfies Partial<AppServicesDeps>;

/** A policy source the test changes by hand, and whose change notification it fires. */
export function manualPolicy(initial: PolicyReadResult) {
  let current = initial;
  let notify: (() => void) | null = null;
  const source: PolicySource = {
    location: '/etc/secure-softphone/policy.json',
    read: async () => current,
    watch(onChange) {
      notify = onChange;
      return () => void (notify = null);
    },
  };
  return {
    source,
    set(next: PolicyReadResult) {
      current = next;
      notify?.();
    },
  };
}

/** A fake clock and the timers that run on it (the session lock's idle timer in the app-services tests). */
export function fakeClock(start: number) {
  let time = start;
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

/**
 * A keychain (in memory) holding a signed-in session of TEST_PROVIDER's, as the sign-in service stores it:
 * the services restore it at start.
 */
export async function keychainWithSession(session: {
  roles: readonly UserRole[];
  authTime: number;
}): Promise<SecretStore> {
  const secrets = createMemorySecretStore();
  await secrets.set(
    'identity-session',
    JSON.stringify({
      issuer: TEST_PROVIDER.issuer,
      clientId: TEST_PROVIDER.clientId,
      refreshToken: 'refresh-token',
      user: { name: 'Erika Muster', email: 'erika@example.com', roles: session.roles, method: 'provider' },
      authTime: session.authTime,
      amr: ['pwd', 'otp'],
    }),
  );
  return secrets;
}

/** No IdP behind TEST_PROVIDER: every request fails and a restored session stays as it was; no timers run. */
export const offlineSignIn = {
  signInTimers: { set: () => null, clear: () => {} },
  signInFetch: async () => {
    throw new Error('offline');
  },
} satisfies Partial<AppServicesDeps>;
