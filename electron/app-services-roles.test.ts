import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { UserRole } from '../shared/ipc/contract.js';
import { createAppServices, type AppServices } from './app-services.js';
import { filePolicySource } from './policy/source.js';
import { createMemorySecretStore } from '../testing/memory-secret-store.js';
import {
  APP_URL,
  keychainWithSession,
  offlineSignIn,
  shellServiceDeps,
  TEST_PROVIDER,
} from '../testing/app-services.js';

/**
 * The admin screen's channels in the running services: the router takes the roles from the sign-in
 * service (the ID token's `roles` claim of the session), so a user's session and a signed-out app are
 * refused, and an administrator's session is answered.
 */

const ADMIN_CHANNELS = [
  ['audit.list', {}],
  ['audit.verify', undefined],
  ['audit.syncStatus', undefined],
  ['audit.syncNow', undefined],
] as const;

let dir: string;
let services: AppServices | null = null;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'services-roles-'));
});
afterEach(async () => {
  await services?.dispose();
  services = null;
  await rm(dir, { recursive: true, force: true });
});

/** Starts the services; with roles, a session of a user with those roles is restored from the keychain. */
async function start(roles: UserRole[] | null): Promise<AppServices> {
  const secrets = roles
    ? await keychainWithSession({ roles, authTime: Date.now() })
    : createMemorySecretStore();
  const policyPath = join(dir, 'policy.json');
  await writeFile(policyPath, JSON.stringify({ provider: TEST_PROVIDER }));
  services = await createAppServices({
    dataDir: join(dir, 'data'),
    policy: filePolicySource(policyPath),
    systemLocale: 'en-GB',
    ...shellServiceDeps,
    openExternal: async () => {},
    secrets,
    // No IdP here: every request to it fails, and the restored session stays as it was.
    ...offlineSignIn,
    logError: () => {},
    notifier: { show: () => {}, dismiss: () => {} },
  });
  return services;
}

describe('admin-only channels in the app services', () => {
  it('refuse a signed-in user whose ID token has no admin role', async () => {
    const app = await start(['user']);
    expect(await app.router.handle(APP_URL, 'signIn.state', undefined)).toMatchObject({
      ok: true,
      value: { status: 'signed-in', user: { roles: ['user'] } },
    });
    for (const [channel, input] of ADMIN_CHANNELS)
      expect(await app.router.handle(APP_URL, channel, input), channel).toMatchObject({
        ok: false,
        error: { code: 'admin-required' },
      });
  });

  it('refuse a signed-out app', async () => {
    const app = await start(null);
    for (const [channel, input] of ADMIN_CHANNELS)
      expect(await app.router.handle(APP_URL, channel, input), channel).toMatchObject({
        ok: false,
        error: { code: 'admin-required' },
      });
  });

  it('answer an administrator, and no longer once the administrator signed out', async () => {
    const app = await start(['admin']);
    for (const [channel, input] of ADMIN_CHANNELS)
      expect(await app.router.handle(APP_URL, channel, input), channel).toMatchObject({ ok: true });
    expect(await app.router.handle(APP_URL, 'audit.verify', undefined)).toMatchObject({
      ok: true,
      value: { ok: true },
    });

    expect(await app.router.handle(APP_URL, 'signIn.signOut', undefined)).toMatchObject({
      ok: true,
      value: { status: 'signed-out' },
    });
    expect(await app.router.handle(APP_URL, 'audit.list', {})).toMatchObject({
      ok: false,
      error: { code: 'admin-required' },
    });
  });
});
