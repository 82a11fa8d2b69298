import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { useRealKeychain } from '../../testing/real-keychain.js';
import { DATABASE_KEY_ITEM, openEncryptedDatabase } from '../storage/database.js';
import { AUDIT_HMAC_KEY_ITEM, openAuditStore } from './audit-store.js';

const run = promisify(execFile);
const keychain = useRealKeychain('audit-keychain');

describe('the audit HMAC key', () => {
  it('is created in the OS keychain on first use and is nowhere in the database, encrypted or not', async () => {
    const path = join(keychain.dir, 'softphone.db');
    const db = await openEncryptedDatabase(path, keychain.secrets);
    expect(await keychain.secrets.get(AUDIT_HMAC_KEY_ITEM)).toBeNull();
    const store = await openAuditStore({
      db,
      secrets: keychain.secrets,
      appVersion: '1.0.0',
      now: () => Date.now(),
    });
    for (let n = 0; n < 50; n += 1) store.append({ type: 'session.locked', details: { reason: 'idle' } });

    const { stdout } = await run(
      'secret-tool',
      ['lookup', 'service', keychain.secrets.service, 'account', AUDIT_HMAC_KEY_ITEM],
      {
        env: { ...process.env, DBUS_SESSION_BUS_ADDRESS: keychain.busAddress },
      },
    );
    const hex = stdout.trim();
    expect(hex).toMatch(/^[0-9a-f]{64}$/);
    expect(hex).not.toBe(await keychain.secrets.get(DATABASE_KEY_ITEM));
    const needles = [Buffer.from(hex), Buffer.from(hex.toUpperCase()), Buffer.from(hex, 'hex')];

    // Decrypted: every value of every table, as text and as bytes.
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as {
      name: string;
    }[];
    expect(tables.map((table) => table.name)).toContain('audit_event');
    for (const { name } of tables) {
      for (const row of db.prepare(`SELECT * FROM "${name}"`).raw().all() as unknown[][]) {
        for (const value of row) {
          const bytes = Buffer.isBuffer(value) ? value : Buffer.from(String(value));
          for (const needle of needles) expect(bytes.includes(needle), name).toBe(false);
        }
      }
    }
    db.close();
    // The files on disk (database, -wal, -shm), byte by byte.
    const files = (await readdir(keychain.dir)).filter((name) => name.startsWith('softphone.db'));
    expect(files).toContain('softphone.db');
    for (const name of files) {
      const bytes = await readFile(join(keychain.dir, name));
      for (const needle of needles) expect(bytes.includes(needle), name).toBe(false);
    }

    // The same key from the keychain verifies the log after a restart.
    const reopened = await openEncryptedDatabase(path, keychain.secrets);
    const again = await openAuditStore({
      db: reopened,
      secrets: keychain.secrets,
      appVersion: '1.0.0',
      now: () => Date.now(),
    });
    expect(again.openedWith).toEqual({ ok: true, count: 50, lastSequence: 50 });
    reopened.close();
  });
});
