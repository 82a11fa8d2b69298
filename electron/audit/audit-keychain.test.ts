import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestKeyring, type TestKeyring } from '../../e2e/provider/keyring.js';
import { createKeytarSecretStore, type SecretStore } from '../secrets/secret-store.js';
import { DATABASE_KEY_ITEM, openEncryptedDatabase } from '../storage/database.js';
import { AUDIT_HMAC_KEY_ITEM, openAuditStore } from './audit-store.js';

const run = promisify(execFile);
let dir: string;
let keyring: TestKeyring;
let secrets: SecretStore;

// A real Secret Service (gnome-keyring on a private D-Bus), started and stopped by this file.
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'audit-keychain-'));
  keyring = await startTestKeyring(dir);
  process.env.DBUS_SESSION_BUS_ADDRESS = keyring.busAddress;
  secrets = createKeytarSecretStore({ service: `secure-softphone-test-${randomBytes(4).toString('hex')}` });
}, 20_000);

afterAll(async () => {
  await secrets?.clear();
  await keyring?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('the audit HMAC key', () => {
  it('is created in the OS keychain on first use and is nowhere in the database, encrypted or not', async () => {
    const path = join(dir, 'softphone.db');
    const db = await openEncryptedDatabase(path, secrets);
    expect(await secrets.get(AUDIT_HMAC_KEY_ITEM)).toBeNull();
    const store = await openAuditStore({ db, secrets, appVersion: '1.0.0', now: () => Date.now() });
    for (let n = 0; n < 50; n += 1) store.append({ type: 'session.locked', details: { reason: 'idle' } });

    const { stdout } = await run(
      'secret-tool',
      ['lookup', 'service', secrets.service, 'account', AUDIT_HMAC_KEY_ITEM],
      {
        env: { ...process.env, DBUS_SESSION_BUS_ADDRESS: keyring.busAddress },
      },
    );
    const hex = stdout.trim();
    expect(hex).toMatch(/^[0-9a-f]{64}$/);
    expect(hex).not.toBe(await secrets.get(DATABASE_KEY_ITEM));
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
    const files = (await readdir(dir)).filter((name) => name.startsWith('softphone.db'));
    expect(files).toContain('softphone.db');
    for (const name of files) {
      const bytes = await readFile(join(dir, name));
      for (const needle of needles) expect(bytes.includes(needle), name).toBe(false);
    }

    // The same key from the keychain verifies the log after a restart.
    const reopened = await openEncryptedDatabase(path, secrets);
    const again = await openAuditStore({ db: reopened, secrets, appVersion: '1.0.0', now: () => Date.now() });
    expect(again.openedWith).toEqual({ ok: true, count: 50, lastSequence: 50 });
    reopened.close();
  });
});
