import Database from 'better-sqlite3-multiple-ciphers';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createKeytarSecretStore } from '../secrets/secret-store.js';
import { useRealKeychain } from '../../testing/real-keychain.js';
import { DATABASE_KEY_ITEM, DatabaseOpenError, migrate, openEncryptedDatabase } from './database.js';
import { createContactStore } from './contacts.js';
import { createHistoryStore } from './history.js';
import { CALL_ENTRY_COLUMNS } from './call-entry.js';
import { migrations } from './migrations.js';
import { shredAllData } from './shred.js';

const run = promisify(execFile);
const keychain = useRealKeychain('storage');

const NAME = 'Zoë Quixotic-Brandt';
const NUMBER = '+4930987654321';

async function filesOf(path: string): Promise<Buffer[]> {
  const names = (await readdir(keychain.dir)).filter((name) => name.startsWith(path.split('/').pop()!));
  return Promise.all(names.map((name) => readFile(join(keychain.dir, name))));
}

function containsPlaintext(files: Buffer[]): boolean {
  return files.some(
    (bytes) =>
      bytes.includes(Buffer.from(NAME)) ||
      bytes.includes(Buffer.from(NUMBER)) ||
      bytes.includes(Buffer.from('987654321')),
  );
}

describe('encrypted database with the key in the OS keychain', () => {
  const path = () => join(keychain.dir, 'softphone.db');

  it('keeps the key in the keychain and nothing readable on disk, also while open', async () => {
    const db = await openEncryptedDatabase(path(), keychain.secrets);
    const { stdout } = await run(
      'secret-tool',
      ['lookup', 'service', keychain.secrets.service, 'account', DATABASE_KEY_ITEM],
      {
        env: { ...process.env, DBUS_SESSION_BUS_ADDRESS: keychain.busAddress },
      },
    );
    expect(stdout.trim()).toMatch(/^[0-9a-f]{64}$/);
    expect(db.pragma('cipher', { simple: true })).toBe('sqlcipher');
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');

    const history = createHistoryStore(db);
    history.apply({
      type: 'started',
      callId: 'c1',
      at: 1000,
      direction: 'incoming',
      account: 'sip:me@example.eu',
      remoteUri: `sip:${NUMBER}@example.eu`,
      remoteName: NAME,
    });
    history.apply({ type: 'answered', callId: 'c1', at: 2000 });
    history.apply({ type: 'ended', callId: 'c1', at: 5000, disposition: 'answered', cause: 'Terminated' });
    expect(containsPlaintext(await filesOf(path()))).toBe(false);
    db.close();
    expect(containsPlaintext(await filesOf(path()))).toBe(false);

    const reopened = await openEncryptedDatabase(path(), keychain.secrets);
    const [call] = createHistoryStore(reopened).list();
    expect(call).toMatchObject({ id: 'c1', remoteName: NAME, durationMs: 3000, disposition: 'answered' });
    expect(createHistoryStore(reopened).search('4930987')).toHaveLength(1);
    expect(createHistoryStore(reopened).search('zoë quix')).toHaveLength(1);
    reopened.close();
  });

  it('refuses a wrong key and leaves the file byte-identical', async () => {
    const before = await readFile(path());
    const rightKey = (await keychain.secrets.get(DATABASE_KEY_ITEM))!;
    await keychain.secrets.set(DATABASE_KEY_ITEM, randomBytes(32).toString('hex'));
    await expect(openEncryptedDatabase(path(), keychain.secrets)).rejects.toMatchObject({
      reason: 'wrong-key',
    });
    expect((await readFile(path())).equals(before)).toBe(true);
    await keychain.secrets.set(DATABASE_KEY_ITEM, rightKey);
  });

  it('refuses to open when the key is missing, and never creates a new database over the old one', async () => {
    const before = await readFile(path());
    const rightKey = (await keychain.secrets.get(DATABASE_KEY_ITEM))!;
    await keychain.secrets.delete(DATABASE_KEY_ITEM);
    const error = await openEncryptedDatabase(path(), keychain.secrets).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatabaseOpenError);
    expect((error as DatabaseOpenError).reason).toBe('key-missing');
    expect((await readFile(path())).equals(before)).toBe(true);
    expect(await keychain.secrets.get(DATABASE_KEY_ITEM)).toBeNull();
    await keychain.secrets.set(DATABASE_KEY_ITEM, rightKey);
  });

  it('names a foreign (unencrypted) SQLite file and leaves it alone', async () => {
    const foreign = join(keychain.dir, 'foreign.db');
    const plain = new Database(foreign);
    plain.exec('CREATE TABLE t (x); INSERT INTO t VALUES (1);');
    plain.close();
    const before = await readFile(foreign);
    await expect(openEncryptedDatabase(foreign, keychain.secrets)).rejects.toMatchObject({
      reason: 'foreign-file',
    });
    expect((await readFile(foreign)).equals(before)).toBe(true);
  });

  it('treats random bytes as not openable with the key', async () => {
    const junk = join(keychain.dir, 'junk.db');
    await import('node:fs/promises').then(({ writeFile }) => writeFile(junk, randomBytes(8192)));
    await expect(openEncryptedDatabase(junk, keychain.secrets)).rejects.toMatchObject({
      reason: 'wrong-key',
    });
  });
});

describe('crypto-shredding', () => {
  it('leaves no database file and no keychain item behind', async () => {
    const path = join(keychain.dir, 'shred.db');
    const db = await openEncryptedDatabase(path, keychain.secrets);
    createHistoryStore(db).apply({
      type: 'started',
      callId: 's',
      at: 1,
      direction: 'outgoing',
      account: 'sip:a@b.eu',
      remoteUri: 'sip:c@b.eu',
      remoteName: null,
    });
    await keychain.secrets.set('sip-account', '{"secret":true}');
    await shredAllData({ db, path, secrets: keychain.secrets });
    expect((await readdir(keychain.dir)).filter((name) => name.startsWith('shred.db'))).toEqual([]);
    expect(await keychain.secrets.list()).toEqual([]);
    const lookup = await run(
      'secret-tool',
      ['lookup', 'service', keychain.secrets.service, 'account', DATABASE_KEY_ITEM],
      {
        env: { ...process.env, DBUS_SESSION_BUS_ADDRESS: keychain.busAddress },
      },
    ).catch((error: { code?: number }) => error);
    expect(lookup).toMatchObject({ code: 1 });
  });
});

describe('migrations', () => {
  it('bring every earlier version to the current one', () => {
    for (let from = 0; from < migrations.length; from += 1) {
      const db = new Database(':memory:');
      migrate(db, migrations.slice(0, from));
      expect(db.pragma('user_version', { simple: true })).toBe(from);
      migrate(db);
      expect(db.pragma('user_version', { simple: true })).toBe(migrations.length);
      expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'call'").get()).toBeTruthy();
      for (const table of ['contact', 'contact_number', 'contact_fts'])
        expect(db.prepare('SELECT name FROM sqlite_master WHERE name = ?').get(table)).toBeTruthy();
      db.close();
    }
  });

  it('bring an encrypted version 1 database with calls to version 2, keeping every call', async () => {
    const path = join(keychain.dir, 'v1.db');
    const v1Secrets = createKeytarSecretStore({
      service: `secure-softphone-test-v1-${randomBytes(4).toString('hex')}`,
    });
    const key = randomBytes(32).toString('hex');
    await v1Secrets.set(DATABASE_KEY_ITEM, key);
    // A file as version 1 of the app left it: SQLCipher 4, raw key, only the first migration.
    const old = new Database(path);
    old.pragma(`cipher='sqlcipher'`);
    old.pragma(`key="x'${key}'"`);
    migrate(old, migrations.slice(0, 1));
    const history = createHistoryStore(old);
    for (const [callId, at, remoteUri] of [
      ['old-1', 100, 'sip:+4930123456@x.eu'],
      ['old-2', 200, 'sip:bob@x.eu'],
    ] as const) {
      history.apply({
        type: 'started',
        callId,
        at,
        direction: 'incoming',
        account: 'sip:me@x.eu',
        remoteUri,
        remoteName: 'Von früher',
      });
      history.apply({ type: 'ended', callId, at: at + 50, disposition: 'missed', cause: 'Canceled' });
    }
    const before = history.list();
    old.close();

    const db = await openEncryptedDatabase(path, v1Secrets);
    try {
      expect(db.pragma('user_version', { simple: true })).toBe(migrations.length);
      expect(createHistoryStore(db).list()).toEqual(before);
      expect(createHistoryStore(db).search('früher')).toHaveLength(2);
      expect(createHistoryStore(db).missedUnseen()).toBe(2);
      // The new tables work on the upgraded file, and contacts name the old calls.
      const contacts = createContactStore(db, { defaultCountry: () => 'DE' });
      contacts.create({ name: 'Berta', numbers: [{ label: 'work', number: '030 123456' }] });
      const named = createHistoryStore(db, { nameFor: (uri) => contacts.nameForUri(uri) }).list();
      expect(named.map((call) => call.remoteName)).toEqual(['Von früher', 'Berta']);
    } finally {
      db.close();
      await v1Secrets.clear();
    }
  });

  it('bring a version 3 database to version 4: same search results, faster number and FTS5 reads', () => {
    const db = new Database(':memory:');
    migrate(db, migrations.slice(0, 3));
    const history = createHistoryStore(db);
    db.transaction(() => {
      for (let i = 0; i < 300; i += 1)
        history.apply({
          type: 'started',
          callId: `v3-${i}`,
          at: 1_000 + ((i * 7) % 300),
          direction: 'incoming',
          account: 'sip:me@x.eu',
          remoteUri: `sip:+49301${i % 23}@x.eu`,
          remoteName: ['Anna Weber', 'Ben Wolf', 'Clara Weiß'][i % 3]!,
        });
    })();
    // The version 3 number search: every match sorted, then the rows.
    const oldNumberSearch = (prefix: string) =>
      db
        .prepare(
          `SELECT id FROM call WHERE remote_digits >= ? AND remote_digits < ? ORDER BY started_at DESC, id DESC LIMIT 50`,
        )
        .pluck()
        .all(prefix, `${prefix}:`);
    const before = {
      number: oldNumberSearch('49301'),
      single: oldNumberSearch('493011'),
      name: history.search('we').map((call) => call.id),
    };
    migrate(db, migrations.slice(0, 4));
    expect(db.pragma('user_version', { simple: true })).toBe(4);
    const ids = (query: string) => history.search(query).map((call) => call.id);
    expect(ids('+49 301')).toEqual(before.number);
    expect(ids('493011')).toEqual(before.single);
    expect(ids('we')).toEqual(before.name);
    expect(db.prepare('SELECT count(*) FROM call_number').pluck().get()).toBe(23);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'call_digits'").get()).toBeUndefined();
    for (const fts of ['call_fts', 'contact_fts']) {
      expect(db.prepare(`SELECT v FROM ${fts}_config WHERE k = 'pgsz'`).pluck().get()).toBe(3900);
      db.exec(`INSERT INTO ${fts} (${fts}) VALUES ('integrity-check')`);
    }
    const plan = db
      .prepare(
        `EXPLAIN QUERY PLAN SELECT id, direction, account, remote_uri, remote_name, started_at, answered_at,
           ended_at, duration_ms, disposition, cause, dtls_state, srtp_cipher, encryption_scope, sas_matched
         FROM call WHERE remote_digits = ? ORDER BY started_at DESC`,
      )
      .all('4930')
      .map((row) => (row as { detail: string }).detail);
    expect(plan).toEqual(['SEARCH call USING COVERING INDEX call_digits_rows (remote_digits=?)']);
    db.close();
  });

  it('bring a version 4 database to version 5: the same records, read from compact index entries', () => {
    const db = new Database(':memory:');
    migrate(db, migrations.slice(0, 4));
    const history = createHistoryStore(db);
    db.transaction(() => {
      for (let i = 0; i < 200; i += 1) {
        const callId = `v4-${i}`;
        history.apply({
          type: 'started',
          callId,
          at: 1_000_000 + ((i * 7) % 200) * 1_000,
          direction: i % 2 ? 'incoming' : 'outgoing',
          account: 'sip:me@x.eu',
          remoteUri: [
            `sip:+49301${i % 13}@x.eu`,
            `sip:0301${i % 13}@x.eu`,
            `sip:+49301${i % 13}@elsewhere.de`,
          ][i % 3]!,
          remoteName: i % 4 ? `Caller ${i}` : null,
        });
        if (i % 5) history.apply({ type: 'answered', callId, at: 1_000_000 + i * 1_000 + 900 });
        if (i % 3 === 0)
          history.apply({
            type: 'encryption',
            callId,
            at: 1_000_000 + i * 1_000 + 950,
            encryption: { dtlsState: 'connected', srtpCipher: 'AEAD_AES_256_GCM', scope: 'peer' },
          });
        if (i % 7 === 0)
          history.apply({ type: 'sasCompared', callId, at: 1_000_000 + i * 1_000 + 990, matched: true });
        if (i % 11)
          history.apply({
            type: 'ended',
            callId,
            at: 1_000_000 + ((i * 7) % 200) * 1_000 + 60_000,
            disposition: i % 5 ? 'answered' : 'missed',
            cause: i % 5 ? 'Terminated' : 'Canceled',
          });
      }
    })();
    // What version 4 of the app called the scope of a call whose DTLS the far end ends itself.
    db.exec("UPDATE call SET encryption_scope = 'end-to-end' WHERE encryption_scope = 'peer'");
    const before = {
      prefix: history.search('49301'),
      number: history.search('493015'),
      other: history.search('0301'),
    };
    migrate(db, migrations.slice(0, 5));
    expect(db.pragma('user_version', { simple: true })).toBe(5);
    expect(history.search('49301')).toEqual(before.prefix);
    expect(history.search('493015')).toEqual(before.number);
    expect(history.search('0301')).toEqual(before.other);
    expect(before.prefix.length).toBeGreaterThan(0);
    expect(
      db.prepare("SELECT name FROM sqlite_master WHERE name = 'call_digits_rows'").get(),
    ).toBeUndefined();
    db.close();
  });

  it('bring a version 5 database to version 6: end-to-end calls read as peer, from the list and the index', () => {
    const db = new Database(':memory:');
    migrate(db, migrations.slice(0, 5));
    const history = createHistoryStore(db);
    const scopes = ['peer', 'to-provider', 'unknown', null] as const;
    db.transaction(() => {
      for (let i = 0; i < 120; i += 1) {
        const callId = `v5-${i}`;
        const at = 1_000_000 + i * 1_000;
        history.apply({
          type: 'started',
          callId,
          at,
          direction: i % 2 ? 'incoming' : 'outgoing',
          account: 'sip:me@x.eu',
          remoteUri: `sip:+49301${i % 7}@x.eu`,
          remoteName: null,
        });
        history.apply({ type: 'answered', callId, at: at + 500 });
        const scope = scopes[i % scopes.length]!;
        if (scope)
          history.apply({
            type: 'encryption',
            callId,
            at: at + 600,
            encryption: { dtlsState: 'connected', srtpCipher: 'AEAD_AES_256_GCM', scope },
          });
        history.apply({
          type: 'ended',
          callId,
          at: at + 900,
          disposition: 'answered',
          cause: i % 3 ? 'Terminated' : 'Canceled',
        });
      }
    })();
    // Version 5 of the app stored the far end's own DTLS as 'end-to-end'.
    db.exec("UPDATE call SET encryption_scope = 'end-to-end' WHERE encryption_scope = 'peer'");
    const renamed = (records: ReturnType<typeof history.list>) =>
      records.map((call) => ({
        ...call,
        encryptionScope: call.encryptionScope === 'end-to-end' ? 'peer' : call.encryptionScope,
      }));
    const before = { list: renamed(history.list({ limit: 200 })), number: renamed(history.search('49301')) };
    expect(before.list.filter((call) => call.encryptionScope === 'peer')).toHaveLength(30);

    migrate(db);
    expect(db.pragma('user_version', { simple: true })).toBe(6);
    expect(history.list({ limit: 200 })).toEqual(before.list);
    expect(history.search('49301')).toEqual(before.number);
    expect(db.prepare("SELECT count(*) FROM call WHERE encryption_scope = 'end-to-end'").pluck().get()).toBe(
      0,
    );
    // The number search still reads the covering index of compact entries, which now codes 'peer'.
    const plan = db
      .prepare(`EXPLAIN QUERY PLAN SELECT ${CALL_ENTRY_COLUMNS} FROM call WHERE remote_digits = ?`)
      .all('4930')
      .map((row) => (row as { detail: string }).detail);
    expect(plan).toEqual(['SEARCH call USING COVERING INDEX call_number_rows (remote_digits=?)']);
    const entry = db
      .prepare(`SELECT ${CALL_ENTRY_COLUMNS} FROM call WHERE remote_digits = ? AND encryption_scope = 'peer'`)
      .get('493010') as { encryption_scope: number | string };
    expect(entry.encryption_scope).toBe(0);
    db.close();
  });

  it('roll back a failing step as a whole', () => {
    const db = new Database(':memory:');
    expect(() =>
      migrate(db, ['CREATE TABLE a (x);', 'CREATE TABLE b (x); SELECT * FROM missing;']),
    ).toThrow();
    expect(db.pragma('user_version', { simple: true })).toBe(1);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'b'").get()).toBeUndefined();
    db.close();
  });
});
