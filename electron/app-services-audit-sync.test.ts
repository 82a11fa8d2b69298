import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPki, type TestPki } from '../e2e/provider/certs.js';
import { startLoginBroker, type LoginBroker } from '../e2e/provider/login-broker.js';
import { discoverBroker, signIn, trustingFetch } from '../e2e/provider/oidc-test-client.js';
import type { AuditSyncStatus } from '../shared/audit/sync-state.js';
import type { PolicyFile } from '../shared/policy/schema.js';
import { createAppServices, type AppServices } from './app-services.js';
import { createMemorySecretStore } from '../testing/memory-secret-store.js';
import { APP_URL, manualPolicy, shellServiceDeps } from '../testing/app-services.js';

/**
 * The running app's audit sync, wired as in main: events recorded by the services reach the provider's
 * audit endpoint of the test stack (HTTPS, trusted through the policy's extra CA) once each, soon after
 * they happen, with the access token the identity service provides.
 */

let dir: string;
let pki: TestPki;
let broker: LoginBroker;
let trusting: ReturnType<typeof trustingFetch>;
let token: string;
let services: AppServices | null = null;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'services-audit-sync-'));
  pki = await createTestPki(dir);
  trusting = trustingFetch(pki.caCertPem);
  broker = await startLoginBroker({
    pki,
    sip: { wssUrl: 'wss://127.0.0.1:7443', domain: 'softphone.test' },
    provisioner: { add: async () => undefined, remove: async () => undefined },
  });
  const user = broker.addUser({
    username: 'erika',
    password: 'erika-password',
    upstream: 'provider',
    secondFactor: 'none',
    roles: ['admin'],
    email: 'erika@example.test',
    name: 'Erika',
  });
  const config = await discoverBroker(broker.issuer, broker.clientId, trusting.fetch);
  token = (await signIn(config, trusting.fetch, user)).tokens.access_token;
});
afterAll(async () => {
  await services?.dispose();
  await broker?.stop();
  await trusting?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('audit sync in the running app', () => {
  it('delivers what the app records to the provider once each, with its content', async () => {
    const dataDir = join(dir, 'data');
    await mkdir(dataDir);
    const file: PolicyFile = {
      provider: broker.providerFor('wss://127.0.0.1:7443'),
      extraCaCertificates: [pki.caCertPem],
      requireMfa: false,
    };
    const policy = manualPolicy({ status: 'ok', policy: file });
    let signedIn = false;
    const statuses: AuditSyncStatus[] = [];
    services = await createAppServices({
      dataDir,
      policy: policy.source,
      systemLocale: 'en-GB',
      ...shellServiceDeps,
      appVersion: '3.4.5',
      openExternal: async () => {},
      secrets: createMemorySecretStore(),
      notifier: { show: () => {}, dismiss: () => {} },
      accessToken: async () => (signedIn ? token : null),
      refreshAccessToken: async () => null,
      // The session is the test's own (not the sign-in service's): so is the admin role of its user.
      roles: () => (signedIn ? ['admin'] : []),
    });
    services.onEvent((event, payload) => {
      if (event === 'audit.syncChanged') statuses.push(payload as AuditSyncStatus);
    });
    const invoke = (channel: string, input?: unknown) => services!.router.handle(APP_URL, channel, input);

    // Signed out: the start's events wait on the device.
    expect(await services.auditSync.syncNow()).toMatchObject({ state: 'signed-out', pending: 2 });
    signedIn = true;
    services.auditSync.signedIn();
    await broker.audit.waitFor(2);

    // While online, each new event follows soon after.
    await invoke('settings.update', { dtmfTransport: 'info' });
    await invoke('audit.report', { type: 'call.sasMismatchReported', details: { callId: 'call-42' } });
    policy.set({ status: 'ok', policy: { ...file, idleLockMinutes: 5 } });
    await broker.audit.waitFor(5);

    const held = broker.audit.events();
    expect(held.map(({ type, details }) => ({ type, details }))).toEqual([
      { type: 'app.started', details: { runtime: 'shell', platform: 'linux' } },
      {
        type: 'policy.applied',
        details: expect.objectContaining({ keys: 'extraCaCertificates,provider,requireMfa' }),
      },
      { type: 'settings.changed', details: { setting: 'dtmfTransport', value: 'info' } },
      { type: 'call.sasMismatchReported', details: { callId: 'call-42' } },
      { type: 'policy.changed', details: expect.objectContaining({ keys: 'idleLockMinutes' }) },
    ]);
    expect(held.map((event) => event.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(held.every((event) => event.appVersion === '3.4.5')).toBe(true);
    expect(broker.audit.chainErrors()).toEqual([]);
    expect([...broker.audit.arrivals().values()].every((count) => count === 1)).toBe(true);

    // The admin screen's channels.
    // (The provider stores a batch before the app reads its answer.)
    const syncStatus = async () =>
      ((await invoke('audit.syncStatus')) as { ok: true; value: AuditSyncStatus }).value;
    await expect.poll(async () => (await syncStatus()).pending).toBe(0);
    const status = { value: await syncStatus() };
    expect(status.value).toMatchObject({ pending: 0, lastError: null });
    expect(status.value.lastDeliveredAt).not.toBeNull();
    expect(statuses.some((s) => s.state === 'syncing')).toBe(true);
    expect(await invoke('audit.verify')).toEqual({
      ok: true,
      value: { ok: true, count: 5, lastSequence: 5 },
    });
    const listed = (await invoke('audit.list', { types: ['settings.changed', 'policy.changed'] })) as {
      ok: true;
      value: { type: string }[];
    };
    expect(listed.value.map((entry) => entry.type)).toEqual(['policy.changed', 'settings.changed']);
    const newest = (await invoke('audit.list', { limit: 2 })) as { ok: true; value: { sequence: number }[] };
    expect(newest.value.map((entry) => entry.sequence)).toEqual([5, 4]);
    expect(await invoke('audit.list', { from: Date.now() + 60_000 })).toEqual({ ok: true, value: [] });
    expect(await invoke('audit.list', { to: 1 })).toEqual({ ok: true, value: [] });
  }, 30_000);
});
