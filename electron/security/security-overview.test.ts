import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type Server } from 'node:tls';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestPki } from '../../e2e/provider/certs.js';
import { SecurityOverview } from '../../shared/security/overview.js';
import {
  APP_URL,
  keychainWithSession,
  manualPolicy,
  offlineSignIn,
  shellServiceDeps,
  TEST_PROVIDER,
} from '../../testing/app-services.js';
import { createMemorySecretStore } from '../../testing/memory-secret-store.js';
import { createAppServices, type AppServices } from '../app-services.js';

const NOW = Date.UTC(2026, 11, 6, 10, 0, 0);

let dir: string;
let server: Server;
let port: number;
let caPem: string;
let services: AppServices | null = null;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'security-overview-'));
  await mkdir(join(dir, 'data'));
  const pki = await createTestPki(dir, 'edge');
  caPem = pki.caCertPem;
  server = createServer({ key: await readFile(pki.serverKeyPath), cert: await readFile(pki.serverCertPath) });
  server.on('tlsClientError', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as { port: number }).port;
});
afterEach(async () => {
  await services?.dispose();
  services = null;
  await new Promise((resolve) => server.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

async function start(policyFile: Record<string, unknown>, secrets = createMemorySecretStore()) {
  services = await createAppServices({
    dataDir: join(dir, 'data'),
    policy: manualPolicy({ status: 'ok', policy: policyFile }).source,
    systemLocale: 'de-DE',
    ...shellServiceDeps,
    openExternal: async () => {},
    secrets,
    ...offlineSignIn,
    logError: () => {},
    now: () => NOW,
    notifier: { show: () => {}, dismiss: () => {} },
  });
  return (channel: string, input?: unknown) => services!.router.handle(APP_URL, channel, input);
}

describe('security.overview, from the live services', () => {
  it('tells what is true now: the connection as main sees it, the database, the policy, audit, lock', async () => {
    const invoke = await start({
      allowManualSipAccount: true,
      extraCaCertificates: [caPem],
      idleLockMinutes: 5,
      historyRetentionDays: 30,
    });
    const before = await invoke('security.overview');
    expect(before).toMatchObject({
      ok: true,
      value: {
        connection: { server: null, outcome: null, pinned: false, extraCas: 1 },
        lastCall: null,
        database: { state: 'ready' },
        keychain: { backend: 'secret-service', usable: true },
        policy: {
          location: '/etc/secure-softphone/policy.json',
          keys: ['allowManualSipAccount', 'extraCaCertificates', 'historyRetentionDays', 'idleLockMinutes'],
        },
        auditReceiver: null,
        lock: { idleLockMinutes: 5 },
        retention: { historyRetentionDays: 30 },
      },
    });
    expect(SecurityOverview.safeParse(before.ok && before.value).success).toBe(true);

    await invoke('sipAccount.save', {
      displayName: 'Erika',
      sipUri: 'sip:erika@example.eu',
      authorizationUser: 'erika',
      password: 'secret',
      wssUrl: `wss://127.0.0.1:${port}/ws`,
    });
    await invoke('call.report', {
      type: 'started',
      callId: 'c1',
      direction: 'outgoing',
      account: 'sip:erika@example.eu',
      remoteUri: 'sip:+4930123@example.eu',
      remoteName: null,
      at: NOW - 60_000,
    });
    await invoke('call.report', {
      type: 'encryption',
      callId: 'c1',
      at: NOW - 59_000,
      encryption: { dtlsState: 'connected', srtpCipher: 'AEAD_AES_256_GCM', scope: 'to-provider' },
    });
    const after = await invoke('security.overview');
    expect(after).toMatchObject({
      ok: true,
      value: {
        connection: {
          server: `wss://127.0.0.1:${port}`,
          outcome: 'ok',
          protocol: 'TLSv1.3',
          issuer: expect.stringMatching(/CN=edge CA/),
        },
        lastCall: { dtlsState: 'connected', srtpCipher: 'AEAD_AES_256_GCM', encryptionScope: 'to-provider' },
      },
    });
  });

  it('names a certificate the app does not trust, instead of a version and an issuer', async () => {
    const invoke = await start({ allowManualSipAccount: true });
    await invoke('sipAccount.save', {
      displayName: 'Erika',
      sipUri: 'sip:erika@example.eu',
      authorizationUser: 'erika',
      password: 'secret',
      wssUrl: `wss://127.0.0.1:${port}/ws`,
    });
    expect(await invoke('security.overview')).toMatchObject({
      ok: true,
      value: { connection: { outcome: 'untrusted', protocol: null, issuer: null, extraCas: 0 } },
    });
  });

  it('is refused while the app is locked', async () => {
    const invoke = await start(
      { provider: TEST_PROVIDER },
      await keychainWithSession({ roles: ['user'], authTime: NOW }),
    );
    expect(await invoke('security.overview')).toMatchObject({
      ok: true,
      value: { auditReceiver: new URL(TEST_PROVIDER.apiBaseUrl).host },
    });
    expect(await invoke('session.lock')).toMatchObject({ ok: true, value: { locked: true } });
    expect(await invoke('security.overview')).toMatchObject({ ok: false, error: { code: 'locked' } });
  });
});
