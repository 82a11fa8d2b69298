import Database from 'better-sqlite3-multiple-ciphers';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMemorySecretStore } from '../../testing/memory-secret-store.js';
import { DATABASE_KEY_ITEM, openEncryptedDatabase } from './database.js';
import { buildDiagnosticsReport, gatherStorageFacts, headerKind, type StorageFacts } from './diagnostics.js';
import { createHistoryStore } from './history.js';
import { moveDatabaseAside } from './start-over.js';

const NOW = Date.UTC(2026, 10, 25, 10, 0, 0);
const APP = { name: 'Secure Softphone', version: '1.2.3', runtime: 'electron', platform: 'linux' };
const NAME = 'Erika Mustermann';
const NUMBER = '+4989123456';

let dir: string;
let path: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'diagnostics-'));
  path = join(dir, 'softphone.db');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the header of the database file', () => {
  it('tells plain SQLite, empty, missing and anything else apart', () => {
    expect(headerKind(null)).toBe('no-file');
    expect(headerKind(Buffer.alloc(0))).toBe('empty');
    expect(headerKind(Buffer.from('SQLite format 3\0'))).toBe('plain-sqlite');
    expect(headerKind(Buffer.from('0123456789abcdef'))).toBe('encrypted');
  });
});

describe('the diagnostics report', () => {
  const facts: StorageFacts = {
    generatedAt: NOW,
    app: APP,
    status: { state: 'error', reason: 'wrong-key' },
    header: 'encrypted',
    files: [
      { name: 'softphone.db', bytes: 4096 },
      { name: 'softphone.db-wal', bytes: 0 },
      { name: 'softphone.db-shm', bytes: null },
    ],
    databaseKeyPresent: true,
    keptAside: [],
  };

  it('is readable JSON with a file name that says when it was made', () => {
    const report = buildDiagnosticsReport(facts);
    expect(report.fileName).toBe('softphone-storage-diagnostics-2026-11-25T10-00-00Z.json');
    expect(JSON.parse(report.text)).toMatchObject({
      generatedAt: '2026-11-25T10:00:00.000Z',
      app: APP,
      storage: { state: 'error', reason: 'wrong-key' },
      database: { header: 'encrypted', files: facts.files },
      keychain: { usable: true, databaseKey: 'present' },
      keptAside: [],
    });
  });

  it('does not claim anything about a key it could not look for', () => {
    const report = buildDiagnosticsReport({
      ...facts,
      status: { state: 'keychain-unavailable', reason: 'locked' },
      databaseKeyPresent: null,
    });
    expect(JSON.parse(report.text).keychain).toEqual({ usable: false, databaseKey: 'not checked' });
  });
});

describe('gathering the facts', () => {
  it('describes a foreign plain SQLite file without reading what is in it', async () => {
    const plain = new Database(path);
    plain.exec(`CREATE TABLE people (name, number); INSERT INTO people VALUES ('${NAME}', '${NUMBER}');`);
    plain.close();
    const secrets = createMemorySecretStore();
    const facts = await gatherStorageFacts({
      path,
      secrets,
      status: { state: 'error', reason: 'foreign-file' },
      app: APP,
      now: NOW,
    });
    expect(facts).toMatchObject({ header: 'plain-sqlite', databaseKeyPresent: false, keptAside: [] });
    expect(facts.files[0]).toEqual({ name: 'softphone.db', bytes: expect.any(Number) as number });
    expect(facts.files[0]!.bytes).toBeGreaterThan(0);
    const { text } = buildDiagnosticsReport(facts);
    expect(text).not.toContain(NAME);
    expect(text).not.toContain('people');
    expect(text).not.toContain(dir);
  });

  it('never puts the key, the folder or call data into the report of an encrypted database', async () => {
    const secrets = createMemorySecretStore();
    const db = await openEncryptedDatabase(path, secrets);
    createHistoryStore(db).apply({
      type: 'started',
      callId: 'secret-call-id',
      at: 1,
      direction: 'incoming',
      account: 'sip:me@example.eu',
      remoteUri: `sip:${NUMBER}@example.eu`,
      remoteName: NAME,
    });
    db.close();
    await writeFile(join(dir, 'unrelated.txt'), 'x');
    const key = (await secrets.get(DATABASE_KEY_ITEM))!;
    const facts = await gatherStorageFacts({ path, secrets, status: { state: 'ready' }, app: APP, now: NOW });
    expect(facts).toMatchObject({ header: 'encrypted', databaseKeyPresent: true });
    const { text } = buildDiagnosticsReport(facts);
    for (const secret of [key, NAME, NUMBER, '4989123456', 'secret-call-id', dir, 'unrelated'])
      expect(text).not.toContain(secret);
  });

  it('lists what earlier start-overs kept aside, and does not ask a keychain that failed its probe', async () => {
    await writeFile(path, '');
    const secrets = createMemorySecretStore();
    await moveDatabaseAside({ path, secrets, now: NOW });
    await writeFile(path, Buffer.alloc(0));
    let asked = false;
    const facts = await gatherStorageFacts({
      path,
      secrets: {
        ...secrets,
        get: async () => {
          asked = true;
          return null;
        },
      },
      status: { state: 'keychain-unavailable', reason: 'probe-mismatch' },
      app: APP,
      now: NOW,
    });
    expect(asked).toBe(false);
    expect(facts).toMatchObject({
      header: 'empty',
      databaseKeyPresent: null,
      files: [
        { name: 'softphone.db', bytes: 0 },
        { name: 'softphone.db-wal', bytes: null },
        { name: 'softphone.db-shm', bytes: null },
      ],
      keptAside: [{ name: 'softphone.db.unreadable-2026-11-25T10-00-00Z', bytes: 0 }],
    });
  });

  it('says when there is no database file at all', async () => {
    const facts = await gatherStorageFacts({
      path,
      secrets: createMemorySecretStore(),
      status: { state: 'ready' },
      app: APP,
      now: NOW,
    });
    expect(facts.header).toBe('no-file');
    expect(facts.files.every((file) => file.bytes === null)).toBe(true);
  });
});
