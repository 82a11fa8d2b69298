import type { AppServicesDeps } from './app-services.js';

/** The renderer's origin in the app-services tests: the only trusted sender. */
export const APP_URL = 'app://softphone/index.html';

/** What every app-services test gives the services alike: the browser shell on Linux, trusting APP_URL. */
export const shellServiceDeps = {
  runtime: 'shell',
  platform: 'linux',
  appName: 'Secure Softphone',
  appVersion: '0.1.0',
  isTrustedSender: (url: string) => url === APP_URL,
} as const satisfies Partial<AppServicesDeps>;
