import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestPki } from '../e2e/provider/certs.js';
import { START_OVER_CONFIRMATION } from '../shared/domain/history.js';
import type { EventName } from '../shared/ipc/contract.js';
import type { PolicyFile, PolicyProblem } from '../shared/policy/schema.js';
import { createAppServices, type AppServices, type AppServicesDeps } from './app-services.js';
import { AUDIT_HMAC_KEY_ITEM } from './audit/audit-store.js';
import { policyDigest } from './audit/policy-events.js';
import { InvalidPolicyError } from './policy/source.js';
import { createMemorySecretStore } from '../testing/memory-secret-store.js';
import type { SecretStore } from './secrets/secret-store.js';
import { DATABASE_KEY_ITEM, openEncryptedDatabase } from './storage/database.js';
import { APP_URL, manualPolicy, shellServiceDeps } from '../testing/app-services.js';

const NOW = Date.UTC(2026, 10, 25, 10, 0, 0);
const DAY = 24 * 60 * 60 * 1000;
const NUMBER = '+4989123456';

let dir: string;
let dataDir: string;
let services: AppServices | null = null;
let policy: ReturnType<typeof manualPolicy>;
let errors: string[];
let errorListeners: ((message: string) => void)[];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'services-audit-'));
  dataDir = join(dir, 'data');
  await mkdir(dataDir);
  policy = manualPolicy({ status: 'absent' });
  errors = [];
  errorListeners = [];
});
afterEach(async () => {
  await services?.dispose();
  services = null;
  await rm(dir, { recursive: true, force: true });
});

async function start(secrets: SecretStore, overrides: Partial<AppServicesDeps> = {}): Promise<AppServices> {
  await services?.dispose();
  services = await createAppServices({
    dataDir,
    policy: policy.source,
    systemLocale: 'de-DE',
    ...shellServiceDeps,
    appVersion: '3.4.5',
    openExternal: async () => {},
    secrets,
    logError: (message) => {
      errors.push(message);
      for (const listener of errorListeners.splice(0)) listener(message);
    },
    now: () => NOW,
    notifier: { show: () => {}, dismiss: () => {} },
    ...overrides,
  });
  return services;
}

const invoke = (channel: string, input?: unknown) => services!.router.handle(APP_URL, channel, input);
const events = async () => (await services!.audit.list()).map(({ type, details }) => ({ type, details }));
const types = async () => (await services!.audit.list()).map((record) => record.type);
const nextAppEvent = (name: EventName) =>
  new Promise<void>((resolve) => {
    const stop = services!.onEvent((event) => {
      if (event === name) {
        stop();
        resolve();
      }
    });
  });
const nextError = () => new Promise<string>((resolve) => errorListeners.push(resolve));

const call = (callId: string, at: number) => [
  {
    type: 'started',
    callId,
    at,
    direction: 'outgoing',
    account: 'sip:me@example.eu',
    remoteUri: `sip:${NUMBER}@example.eu`,
    remoteName: 'Erika Mustermann',
  },
  { type: 'ended', callId, at: at + 1000, disposition: 'cancelled', cause: 'Canceled' },
];

describe('the audit trail of the running app', () => {
  it('records the start and the policy in force, and a new app version at the next start', async () => {
    const file: PolicyFile = { requireMfa: true, idleLockMinutes: 5 };
    policy = manualPolicy({ status: 'ok', policy: file });
    const secrets = createMemorySecretStore();
    await start(secrets);
    expect(await events()).toEqual([
      { type: 'app.started', details: { runtime: 'shell', platform: 'linux' } },
      { type: 'policy.applied', details: { keys: 'idleLockMinutes,requireMfa', digest: policyDigest(file) } },
    ]);
    await start(secrets, { appVersion: '3.5.0' });
    expect(await events()).toEqual([
      expect.objectContaining({ type: 'app.started' }),
      expect.objectContaining({ type: 'policy.applied' }),
      expect.objectContaining({ type: 'app.started' }),
      expect.objectContaining({ type: 'policy.applied' }),
      { type: 'app.updated', details: { from: '3.4.5', to: '3.5.0' } },
    ]);
    expect(await services!.audit.verify()).toEqual({ ok: true, count: 5, lastSequence: 5 });
  });

  it('records export, history deletion and the retention purge, with counts and no contents', async () => {
    policy = manualPolicy({ status: 'ok', policy: { historyRetentionDays: 30 } });
    const secrets = createMemorySecretStore();
    const chosen = join(dir, 'exports');
    await mkdir(chosen);
    await start(secrets, { chooseExportFolder: async () => chosen });
    for (const event of [...call('old', NOW - 40 * DAY), ...call('new', NOW - DAY)])
      expect(await invoke('call.report', event)).toMatchObject({ ok: true });
    // Retention runs at start (and daily).
    await start(secrets, { chooseExportFolder: async () => chosen });
    expect(await invoke('data.export', { title: 'Export', buttonLabel: 'Export' })).toMatchObject({
      ok: true,
      value: { status: 'exported', counts: { calls: 1 } },
    });
    expect(await invoke('history.deleteAll')).toEqual({ ok: true, value: 1 });

    const list = await events();
    expect(list.filter((event) => event.type.startsWith('data.'))).toEqual([
      { type: 'data.purged', details: { scope: 'call-history', count: 1, retentionDays: 30 } },
      {
        type: 'data.exported',
        details: { calls: 1, contacts: 0, auditEvents: expect.any(Number), files: expect.any(Number) },
      },
      { type: 'data.deleted', details: { scope: 'call-history', count: 1 } },
    ]);
    const text = JSON.stringify(list);
    for (const personal of [NUMBER, 'Erika', chosen]) expect(text).not.toContain(personal);
    expect(await services!.audit.verify()).toMatchObject({ ok: true });
  });

  it('begins the new log after "delete all my data" with the deletion, under a new HMAC key', async () => {
    const secrets = createMemorySecretStore();
    await start(secrets);
    const oldKey = await secrets.get(AUDIT_HMAC_KEY_ITEM);
    expect(await invoke('data.deleteAll', { confirm: true })).toEqual({ ok: true, value: undefined });
    expect(await services!.audit.list()).toEqual([
      {
        id: expect.any(String),
        sequence: 1,
        at: NOW,
        type: 'data.deleted',
        details: { scope: 'all', count: null },
      },
    ]);
    expect(await secrets.get(AUDIT_HMAC_KEY_ITEM)).toMatch(/^[0-9a-f]{64}$/);
    expect(await secrets.get(AUDIT_HMAC_KEY_ITEM)).not.toBe(oldKey);
    expect(await services!.audit.verify()).toEqual({ ok: true, count: 1, lastSequence: 1 });
  });

  it('keeps a keychain failure in memory and writes it once the database opens', async () => {
    const inner = createMemorySecretStore();
    let unlocked = false;
    const keychain: SecretStore = {
      ...inner,
      service: 'lockable',
      async set(key, value) {
        if (!unlocked)
          throw new Error('The name org.freedesktop.secrets was not provided by any .service files');
        return inner.set(key, value);
      },
    };
    await start(keychain);
    await expect(services!.audit.list()).rejects.toMatchObject({ code: 'not-available' });
    unlocked = true;
    expect(await invoke('storage.retry')).toEqual({ ok: true, value: { state: 'ready' } });
    expect(await events()).toEqual([
      expect.objectContaining({ type: 'app.started' }),
      expect.objectContaining({ type: 'policy.applied' }),
      { type: 'keychain.unavailable', details: { reason: 'no-service' } },
    ]);
  });

  it('writes a database that did not open into the log of the one that replaces it', async () => {
    const secrets = createMemorySecretStore();
    await start(secrets);
    await services!.dispose();
    services = null;
    await secrets.set(DATABASE_KEY_ITEM, 'ab'.repeat(32));
    await start(secrets);
    expect(await invoke('storage.status')).toEqual({
      ok: true,
      value: { state: 'error', reason: 'wrong-key' },
    });
    expect(await invoke('storage.startOver', { confirm: START_OVER_CONFIRMATION })).toMatchObject({
      ok: true,
    });
    // The new log begins by declaring that the old one's events are not in it (the keychain knew its last link).
    expect(await types()).toEqual([
      'audit.gapDetected',
      'app.started',
      'policy.applied',
      'database.openFailed',
    ]);
    expect((await events())[0]).toMatchObject({
      type: 'audit.gapDetected',
      details: { problem: 'wiped', detectedBy: 'keychain', missingFrom: 1 },
    });
    expect((await events())[3]).toEqual({ type: 'database.openFailed', details: { reason: 'wrong-key' } });
  });

  it('records policy changes by key, and an invalid policy once', async () => {
    policy = manualPolicy({ status: 'ok', policy: { requireMfa: true } });
    await start(createMemorySecretStore());
    let changed = nextAppEvent('policy.changed');
    policy.set({ status: 'ok', policy: { requireMfa: false, idleLockMinutes: 3 } });
    await changed;
    expect((await events()).at(-1)).toEqual({
      type: 'policy.changed',
      details: {
        keys: 'idleLockMinutes,requireMfa',
        digest: policyDigest({ requireMfa: false, idleLockMinutes: 3 }),
      },
    });
    // A notification without a change records nothing.
    changed = nextAppEvent('policy.changed');
    policy.set({ status: 'ok', policy: { idleLockMinutes: 3, requireMfa: false } });
    await changed;
    expect(await types()).toEqual(['app.started', 'policy.applied', 'policy.changed']);

    const problems: PolicyProblem[] = [
      { key: 'idleLockMinutes', message: 'too big' },
      { key: 'bogus key', message: 'is not a known policy key' },
    ];
    for (let n = 0; n < 2; n += 1) {
      const reported = nextError();
      policy.set({ status: 'invalid', problems });
      expect(await reported).toMatch(/invalid/);
    }
    expect((await events()).slice(3)).toEqual([
      { type: 'policy.invalid', details: { keys: 'bogus_key,idleLockMinutes', count: 2 } },
    ]);
  });

  it('records a policy that stops the app at start, and keeps it for the next start', async () => {
    const secrets = createMemorySecretStore();
    await start(secrets);
    await services!.dispose();
    services = null;
    policy = manualPolicy({
      status: 'invalid',
      problems: [{ key: 'requireMfa', message: 'must be a boolean' }],
    });
    await expect(start(secrets)).rejects.toBeInstanceOf(InvalidPolicyError);
    policy = manualPolicy({ status: 'absent' });
    await start(secrets);
    expect((await events()).map((event) => event.type)).toEqual([
      'app.started',
      'policy.applied',
      'policy.invalid',
      'app.started',
      'policy.applied',
    ]);
    expect((await events())[2]?.details).toEqual({ keys: 'requireMfa', count: 1 });
  });

  it('records a call the media watchdog ended, with the time policy gave it', async () => {
    policy = manualPolicy({ status: 'ok', policy: { mediaTimeoutSeconds: 5, mediaHangupSeconds: 30 } });
    await start(createMemorySecretStore());
    for (const [callId, cause] of [
      ['silent', 'no-audio'],
      ['fine', 'far-end-hung-up'],
    ] as const) {
      await invoke('call.report', call(callId, NOW)[0]);
      await invoke('call.report', {
        type: 'ended',
        callId,
        at: NOW + 40_000,
        disposition: 'answered',
        cause,
      });
    }
    expect((await events()).filter(({ type }) => type.startsWith('call.'))).toEqual([
      { type: 'call.endedWithoutAudio', details: { callId: 'silent', seconds: 30 } },
    ]);
  });

  it('records security-relevant settings, a reported SAS mismatch, and the renderer reports it may make', async () => {
    await start(createMemorySecretStore());
    expect(await invoke('settings.update', { theme: 'dark', doNotDisturb: true })).toMatchObject({
      ok: true,
    });
    expect(await invoke('settings.update', { dtmfTransport: 'info' })).toMatchObject({ ok: true });
    expect(await invoke('settings.update', { dtmfTransport: 'info' })).toMatchObject({ ok: true });
    for (const matched of [true, false])
      expect(
        await invoke('call.report', { type: 'sasCompared', callId: 'call-1', at: NOW, matched }),
      ).toMatchObject({ ok: true });
    const sas = { type: 'call.sasMismatchReported', details: { callId: 'call-2' } };
    expect(await invoke('audit.report', sas)).toEqual({ ok: true, value: undefined });
    // The renderer cannot claim what main does, nor write for another origin.
    expect(
      await invoke('audit.report', {
        type: 'data.exported',
        details: { calls: 0, contacts: 0, auditEvents: 0, files: 0 },
      }),
    ).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    expect(
      await invoke('audit.report', { ...sas, details: { callId: 'c', remoteUri: `sip:${NUMBER}@x` } }),
    ).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    expect(await services!.router.handle('https://evil.example/', 'audit.report', sas)).toMatchObject({
      ok: false,
      error: { code: 'forbidden-sender' },
    });
    expect((await events()).slice(2)).toEqual([
      { type: 'settings.changed', details: { setting: 'dtmfTransport', value: 'info' } },
      { type: 'call.sasMismatchReported', details: { callId: 'call-1' } },
      { type: 'call.sasMismatchReported', details: { callId: 'call-2' } },
    ]);
  });

  it('records a chain broken while the app was closed at the next start', async () => {
    const secrets = createMemorySecretStore();
    await start(secrets);
    await invoke('settings.update', { dtmfTransport: 'info' });
    await services!.dispose();
    services = null;
    const db = await openEncryptedDatabase(join(dataDir, 'softphone.db'), secrets);
    db.exec('DROP TRIGGER audit_event_append_only');
    db.prepare(
      `UPDATE audit_event SET details = '{"setting":"dtmfTransport","value":"rfc4733"}' WHERE seq = 3`,
    ).run();
    db.close();
    await start(secrets);
    expect((await events()).at(-1)).toEqual({
      type: 'audit.chainBroken',
      details: { problem: 'altered', sequence: 3 },
    });
    expect(await services!.audit.verify()).toEqual({ ok: false, problem: 'altered', sequence: 3, count: 2 });
  });

  it('records a certificate the TLS probe refused, by host and reason', async () => {
    const pki = await createTestPki(dir, 'foreign');
    const server: Server = createServer({
      key: await readFile(pki.serverKeyPath),
      cert: await readFile(pki.serverCertPath),
    });
    server.on('tlsClientError', () => {});
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as { port: number };
      // The probe takes main's HTTP client's route (the proxy in force), as every connection from main does.
      const routed: string[] = [];
      await start(createMemorySecretStore(), {
        proxyRoutes: async (url) => {
          routed.push(url);
          return [{ kind: 'direct' }];
        },
      });
      const edge = `wss://127.0.0.1:${port}/ws`;
      // Only the account's own SIP server is probed: none saved yet, so none.
      expect(await invoke('tls.probe', { url: edge })).toMatchObject({
        ok: false,
        error: { code: 'refused' },
      });
      await invoke('sipAccount.save', {
        displayName: 'Erika',
        sipUri: 'sip:erika@example.eu',
        authorizationUser: 'erika',
        password: 'secret',
        wssUrl: edge,
      });
      expect(await invoke('tls.probe', { url: edge })).toMatchObject({
        ok: true,
        value: { outcome: 'untrusted' },
      });
      expect((await events()).at(-1)).toEqual({
        type: 'tls.certificateRejected',
        details: { host: '127.0.0.1', reason: 'untrusted' },
      });
      expect(routed.filter((url) => new URL(url).port === String(port))).toHaveLength(1);
      // Another port of the same host is no SIP server of the app's.
      expect(await invoke('tls.probe', { url: `wss://127.0.0.1:${port + 1}/` })).toMatchObject({
        ok: false,
        error: { code: 'refused' },
      });
      // Asked again and again: one event.
      for (let i = 0; i < 5; i += 1) await invoke('tls.probe', { url: edge });
      expect((await events()).filter((event) => event.type === 'tls.certificateRejected')).toHaveLength(1);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
