import Database from 'better-sqlite3-multiple-ciphers';
import { randomBytes } from 'node:crypto';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMemorySecretStore } from '../../testing/memory-secret-store.js';
import type { SecretStore } from '../secrets/secret-store.js';
import { DATABASE_KEY_ITEM, openEncryptedDatabase } from './database.js';
import { createHistoryStore } from './history.js';
import { shredAllData } from './shred.js';
import { fileNameStamp, keptAsideFiles, moveDatabaseAside } from './start-over.js';

const NOW = Date.UTC(2026, 10, 25, 10, 0, 0, 456);
const ASIDE = 'softphone.db.unreadable-2026-11-25T10-00-00Z';

let dir: string;
let path: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'start-over-'));
  path = join(dir, 'softphone.db');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function addCall(db: Database.Database, callId: string): void {
  createHistoryStore(db).apply({
    type: 'started',
    callId,
    at: 1000,
    direction: 'incoming',
    account: 'sip:me@example.eu',
    remoteUri: 'sip:+4930123456@example.eu',
    remoteName: 'Erika Mustermann',
  });
}

/**
 * An encrypted database as a crash leaves it: its newest call only in the -wal. The files are copied
 * while the connection is open (closing would checkpoint the -wal away).
 */
async function crashedDatabase(secrets: SecretStore): Promise<void> {
  const source = join(dir, 'source');
  await mkdir(source);
  const db = await openEncryptedDatabase(join(source, 'softphone.db'), secrets);
  db.pragma('wal_autocheckpoint = 0');
  addCall(db, 'in-the-wal');
  for (const suffix of ['', '-wal', '-shm'])
    await copyFile(join(source, `softphone.db${suffix}`), `${path}${suffix}`);
  db.close();
  await rm(source, { recursive: true });
}

async function bytesOf(names: string[]): Promise<Buffer[]> {
  return Promise.all(names.map((name) => readFile(join(dir, name))));
}

describe('start over after a database that does not open', () => {
  it('names the time the way file systems accept it', () => {
    expect(fileNameStamp(NOW)).toBe('2026-11-25T10-00-00Z');
  });

  it('moves the file and its -wal/-shm aside byte for byte, keeps their key, and a new database opens', async () => {
    const oldKey = randomBytes(32).toString('hex');
    const secrets = createMemorySecretStore({ [DATABASE_KEY_ITEM]: oldKey, 'sip-account': '{}' });
    await crashedDatabase(secrets);
    const before = await bytesOf(['softphone.db', 'softphone.db-wal', 'softphone.db-shm']);
    expect(before[1]!.length).toBeGreaterThan(0);

    expect(await moveDatabaseAside({ path, secrets, now: NOW })).toBe(ASIDE);

    expect((await readdir(dir)).sort()).toEqual([ASIDE, `${ASIDE}-shm`, `${ASIDE}-wal`]);
    const after = await bytesOf([ASIDE, `${ASIDE}-wal`, `${ASIDE}-shm`]);
    after.forEach((bytes, index) => expect(bytes.equals(before[index]!)).toBe(true));
    // The key of the old file is kept under a matching name; the database key item is gone.
    expect(await secrets.get(DATABASE_KEY_ITEM)).toBeNull();
    expect(await secrets.get(`${DATABASE_KEY_ITEM}.unreadable-2026-11-25T10-00-00Z`)).toBe(oldKey);
    expect(await secrets.get('sip-account')).toBe('{}');

    // A fresh, empty database with a new key.
    const fresh = await openEncryptedDatabase(path, secrets);
    expect(await secrets.get(DATABASE_KEY_ITEM)).toMatch(/^[0-9a-f]{64}$/);
    expect(await secrets.get(DATABASE_KEY_ITEM)).not.toBe(oldKey);
    expect(createHistoryStore(fresh).list()).toEqual([]);
    addCall(fresh, 'new');
    fresh.close();

    // The kept set still opens as one database with the kept key, the call in its -wal included.
    const kept = await openEncryptedDatabase(
      join(dir, ASIDE),
      createMemorySecretStore({ [DATABASE_KEY_ITEM]: oldKey }),
    );
    expect(
      createHistoryStore(kept)
        .list()
        .map((call) => call.id),
    ).toEqual(['in-the-wal']);
    kept.close();
  });

  it('moves a foreign file aside although no key belongs to it', async () => {
    const plain = new Database(path);
    plain.exec("CREATE TABLE t (x); INSERT INTO t VALUES ('not ours');");
    plain.close();
    const before = await readFile(path);
    const secrets = createMemorySecretStore();
    await expect(openEncryptedDatabase(path, secrets)).rejects.toMatchObject({ reason: 'foreign-file' });

    const keptAs = await moveDatabaseAside({ path, secrets, now: NOW });
    expect((await readFile(join(dir, keptAs))).equals(before)).toBe(true);
    expect(await secrets.list()).toEqual([]);
    (await openEncryptedDatabase(path, secrets)).close();
  });

  it('never overwrites an earlier unreadable file kept in the same second', async () => {
    const secrets = createMemorySecretStore();
    await writeFile(path, 'first');
    expect(await moveDatabaseAside({ path, secrets, now: NOW })).toBe(ASIDE);
    await writeFile(path, 'second');
    await writeFile(`${path}-wal`, 'second wal');
    expect(await moveDatabaseAside({ path, secrets, now: NOW })).toBe(`${ASIDE}-2`);
    expect(await readFile(join(dir, ASIDE), 'utf8')).toBe('first');
    expect(await readFile(join(dir, `${ASIDE}-2`), 'utf8')).toBe('second');
    expect(await readFile(join(dir, `${ASIDE}-2-wal`), 'utf8')).toBe('second wal');
    expect((await keptAsideFiles(path)).map((file) => file.slice(dir.length + 1))).toEqual([
      ASIDE,
      `${ASIDE}-2`,
      `${ASIDE}-2-wal`,
    ]);
  });

  it('refuses when there is no file, and changes nothing', async () => {
    const secrets = createMemorySecretStore({ [DATABASE_KEY_ITEM]: 'ab'.repeat(32) });
    await expect(moveDatabaseAside({ path, secrets, now: NOW })).rejects.toThrow(/no database file/);
    expect(await secrets.list()).toEqual([DATABASE_KEY_ITEM]);
    expect(await readdir(dir)).toEqual([]);
  });

  it('is undone by deleting all data: kept files go with the rest', async () => {
    const secrets = createMemorySecretStore();
    await writeFile(path, 'unreadable');
    await moveDatabaseAside({ path, secrets, now: NOW });
    const db = await openEncryptedDatabase(path, secrets);
    await writeFile(join(dir, 'settings.json'), '{}');
    await shredAllData({ db, path, secrets });
    expect(await readdir(dir)).toEqual(['settings.json']);
    expect(await secrets.list()).toEqual([]);
  });
});
