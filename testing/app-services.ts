import type { AppServicesDeps } from '../electron/app-services.js';
import type { PolicyReadResult, PolicySource } from '../electron/policy/source.js';

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
