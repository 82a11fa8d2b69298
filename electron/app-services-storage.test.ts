import Database from 'better-sqlite3-multiple-ciphers';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { START_OVER_CONFIRMATION } from '../shared/domain/history.js';
import type { EventName } from '../shared/ipc/contract.js';
import { createAppServices, type AppServices } from './app-services.js';
import { filePolicySource } from './policy/source.js';
import { createMemorySecretStore } from '../testing/memory-secret-store.js';
import type { SecretStore } from './secrets/secret-store.js';
import { DATABASE_KEY_ITEM } from './storage/database.js';
import { APP_URL, shellServiceDeps } from '../testing/app-services.js';

const NAME = 'Erika Mustermann';
const NUMBER = '+4989123456';

let dir: string;
let dataDir: string;
let services: AppServices | null = null;
let events: EventName[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'services-storage-'));
  dataDir = join(dir, 'data');
  await mkdir(dataDir);
  events = [];
});
afterEach(async () => {
  await services?.dispose();
  services = null;
  await rm(dir, { recursive: true, force: true });
});

async function start(secrets: SecretStore): Promise<AppServices> {
  services = await createAppServices({
    dataDir,
    policy: filePolicySource(join(dir, 'no-policy.json')),
    systemLocale: 'de-DE',
    ...shellServiceDeps,
    appVersion: '3.4.5',
    openExternal: async () => {},
    secrets,
    logError: () => {},
    now: () => Date.UTC(2026, 10, 25, 10, 0, 0),
    notifier: { show: () => {}, dismiss: () => {} },
  });
  services.onEvent((event) => events.push(event));
  return services;
}

const invoke = (channel: string, input?: unknown) => services!.router.handle(APP_URL, channel, input);

const startedCall = (callId: string) => ({
  type: 'started',
  callId,
  at: 1000,
  direction: 'incoming',
  account: 'sip:me@example.eu',
  remoteUri: `sip:${NUMBER}@example.eu`,
  remoteName: NAME,
});

/**
 * A keychain that fails like a real one without a usable Secret Service until it is "unlocked": writes
 * reject with libsecret's message, and reads quietly answer null (FIELD-NOTES: the auto-started keyring).
 */
function lockableKeychain(failure: 'reject' | 'forget') {
  const inner = createMemorySecretStore();
  const writes: string[] = [];
  let unlocked = false;
  const store: SecretStore = {
    service: 'lockable',
    get: (key) => (unlocked ? inner.get(key) : Promise.resolve(null)),
    async set(key, value) {
      writes.push(key);
      if (unlocked) return inner.set(key, value);
      // "forget": accepts the write and keeps nothing, the way a collection-less keyring can.
      if (failure === 'reject')
        throw new Error('The name org.freedesktop.secrets was not provided by any .service files');
    },
    delete: (key) => (unlocked ? inner.delete(key) : Promise.resolve(false)),
    list: () => (unlocked ? inner.list() : Promise.resolve([])),
    clear: () => (unlocked ? inner.clear() : Promise.resolve()),
  };
  return { store, inner, writes, unlock: () => void (unlocked = true) };
}

describe('without a usable keychain', () => {
  it('stores nothing anywhere, refuses what needs secrets, and recovers on retry', async () => {
    const keychain = lockableKeychain('reject');
    await start(keychain.store);
    expect(await invoke('storage.status')).toEqual({
      ok: true,
      value: { state: 'keychain-unavailable', reason: 'no-service' },
    });
    const account = {
      displayName: '',
      sipUri: 'sip:a@b.eu',
      authorizationUser: 'a',
      wssUrl: 'wss://b.eu',
      password: 'pw-that-must-not-land-anywhere',
    };
    for (const [channel, input] of [
      ['sipAccount.save', account],
      ['sipAccount.get', undefined],
      ['sipAccount.registration', undefined],
      ['history.list', {}],
      ['data.deleteAll', { confirm: true }],
    ] as const) {
      expect(await invoke(channel, input), channel).toMatchObject({
        ok: false,
        error: { code: 'not-available' },
      });
    }
    // Calls still go through main (the phone works) but leave nothing behind.
    expect(await invoke('call.report', startedCall('c1'))).toEqual({ ok: true, value: undefined });
    // Neither a database nor any other file with a secret: no plaintext fallback.
    expect((await readdir(dataDir)).filter((name) => name !== 'settings.json')).toEqual([]);
    for (const name of await readdir(dataDir)) {
      const text = await readFile(join(dataDir, name), 'utf8');
      expect(text).not.toContain('pw-that-must-not-land-anywhere');
    }
    expect(keychain.writes.every((key) => key.startsWith('probe-'))).toBe(true);
    // Starting over needs the keychain too: nothing is moved.
    expect(await invoke('storage.startOver', { confirm: START_OVER_CONFIRMATION })).toMatchObject({
      ok: false,
      error: { code: 'refused' },
    });

    // Still locked: "Try again" says so.
    expect(await invoke('storage.retry')).toEqual({
      ok: true,
      value: { state: 'keychain-unavailable', reason: 'no-service' },
    });
    keychain.unlock();
    events = [];
    expect(await invoke('storage.retry')).toEqual({ ok: true, value: { state: 'ready' } });
    expect(events).toContain('history.changed');
    expect(await keychain.inner.get(DATABASE_KEY_ITEM)).toMatch(/^[0-9a-f]{64}$/);
    expect(await invoke('sipAccount.save', account)).toMatchObject({ ok: true });
    expect(await invoke('call.report', startedCall('c2'))).toMatchObject({ ok: true });
    expect(await invoke('history.list', {})).toMatchObject({ ok: true, value: [{ id: 'c2' }] });
  });

  it('counts a keychain that answers reads with null but keeps nothing as unavailable', async () => {
    const keychain = lockableKeychain('forget');
    await start(keychain.store);
    expect(await invoke('storage.status')).toEqual({
      ok: true,
      value: { state: 'keychain-unavailable', reason: 'probe-mismatch' },
    });
    // A key "stored" there would be lost: no database was created with it.
    expect(await readdir(dataDir)).not.toContain('softphone.db');
    expect(await invoke('sipAccount.get')).toMatchObject({ ok: false, error: { code: 'not-available' } });
  });
});

describe('a database that does not open', () => {
  async function plainSqliteFile(): Promise<Buffer> {
    const plain = new Database(join(dataDir, 'softphone.db'));
    plain.exec(`CREATE TABLE people (name, number); INSERT INTO people VALUES ('${NAME}', '${NUMBER}');`);
    plain.close();
    return readFile(join(dataDir, 'softphone.db'));
  }

  it('exports diagnostics without personal data, then starts over with the old file kept aside', async () => {
    const original = await plainSqliteFile();
    const secrets = createMemorySecretStore();
    await start(secrets);
    expect(await invoke('storage.status')).toEqual({
      ok: true,
      value: { state: 'error', reason: 'foreign-file' },
    });

    const exported = await invoke('storage.exportDiagnostics');
    expect(exported).toMatchObject({
      ok: true,
      value: { fileName: 'softphone-storage-diagnostics-2026-11-25T10-00-00Z.json' },
    });
    const text = (exported as { value: { text: string } }).value.text;
    expect(JSON.parse(text)).toMatchObject({
      app: { version: '3.4.5', platform: 'linux' },
      storage: { state: 'error', reason: 'foreign-file' },
      database: { header: 'plain-sqlite' },
      keychain: { usable: true, databaseKey: 'absent' },
    });
    for (const personal of [NAME, NUMBER, dataDir]) expect(text).not.toContain(personal);

    // Without the explicit confirmation literal nothing happens.
    for (const input of [undefined, { confirm: true }, { confirm: 'yes' }]) {
      expect(await invoke('storage.startOver', input)).toMatchObject({
        ok: false,
        error: { code: 'invalid-input' },
      });
    }
    expect((await readFile(join(dataDir, 'softphone.db'))).equals(original)).toBe(true);

    events = [];
    const result = await invoke('storage.startOver', { confirm: START_OVER_CONFIRMATION });
    expect(result).toEqual({
      ok: true,
      value: { status: { state: 'ready' }, keptAs: 'softphone.db.unreadable-2026-11-25T10-00-00Z' },
    });
    expect(events).toContain('history.changed');
    const kept = await readFile(join(dataDir, 'softphone.db.unreadable-2026-11-25T10-00-00Z'));
    expect(kept.equals(original)).toBe(true);
    expect(await invoke('storage.status')).toEqual({ ok: true, value: { state: 'ready' } });
    await invoke('call.report', startedCall('after'));
    expect(await invoke('history.list', {})).toMatchObject({ ok: true, value: [{ id: 'after' }] });
    const header = (await readFile(join(dataDir, 'softphone.db'))).subarray(0, 16).toString('latin1');
    expect(header).not.toBe('SQLite format 3\0');

    // A database that opens is never moved aside.
    expect(await invoke('storage.startOver', { confirm: START_OVER_CONFIRMATION })).toMatchObject({
      ok: false,
      error: { code: 'refused' },
    });
    const diagnostics = JSON.parse(
      ((await invoke('storage.exportDiagnostics')) as { value: { text: string } }).value.text,
    );
    expect(diagnostics.keptAside).toEqual([
      { name: 'softphone.db.unreadable-2026-11-25T10-00-00Z', bytes: original.length },
    ]);
  });

  it('opens on retry once the right key is back in the keychain', async () => {
    const secrets = createMemorySecretStore();
    await start(secrets);
    await invoke('call.report', startedCall('kept'));
    await services!.dispose();
    services = null;
    const rightKey = (await secrets.get(DATABASE_KEY_ITEM))!;
    await secrets.set(DATABASE_KEY_ITEM, randomBytes(32).toString('hex'));

    await start(secrets);
    expect(await invoke('storage.status')).toEqual({
      ok: true,
      value: { state: 'error', reason: 'wrong-key' },
    });
    expect(await invoke('storage.retry')).toEqual({
      ok: true,
      value: { state: 'error', reason: 'wrong-key' },
    });
    await secrets.set(DATABASE_KEY_ITEM, rightKey);
    // Two clicks at once: the second waits for the first and finds the database open.
    const [first, second] = await Promise.all([invoke('storage.retry'), invoke('storage.retry')]);
    expect(first).toEqual({ ok: true, value: { state: 'ready' } });
    expect(second).toEqual({ ok: true, value: { state: 'ready' } });
    expect(await invoke('history.list', {})).toMatchObject({ ok: true, value: [{ id: 'kept' }] });
  });

  it('keeps the key of a file it moves aside, so that IT can still try it', async () => {
    const secrets = createMemorySecretStore();
    await start(secrets);
    await services!.dispose();
    services = null;
    const otherKey = randomBytes(32).toString('hex');
    await secrets.set(DATABASE_KEY_ITEM, otherKey);
    await start(secrets);
    await invoke('storage.startOver', { confirm: START_OVER_CONFIRMATION });
    expect(await secrets.get(`${DATABASE_KEY_ITEM}.unreadable-2026-11-25T10-00-00Z`)).toBe(otherKey);
    expect(await secrets.get(DATABASE_KEY_ITEM)).not.toBe(otherKey);
  });
});
