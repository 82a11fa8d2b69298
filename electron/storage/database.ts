import Database from 'better-sqlite3-multiple-ciphers';
import { randomBytes } from 'node:crypto';
import { open as openFile } from 'node:fs/promises';
import type { SecretStore } from '../secrets/secret-store.js';
import { migrations } from './migrations.js';

export type SqlDatabase = Database.Database;

/** Why the database could not be opened; the UI explains each and offers the matching choices. */
export type DatabaseFailure =
  | 'key-missing' // a database file exists, but the keychain has no key for it
  | 'wrong-key' // the key does not open the file (or the file is damaged beyond its header)
  | 'foreign-file' // an unencrypted SQLite file, not ours
  | 'corrupt'; // opened, but its schema is newer than this app or damaged

export class DatabaseOpenError extends Error {
  constructor(
    readonly reason: DatabaseFailure,
    detail: string,
  ) {
    super(`database cannot be opened (${reason}): ${detail}`);
    this.name = 'DatabaseOpenError';
  }
}

export const DATABASE_KEY_ITEM = 'database-key';
export const SQLITE_PLAIN_HEADER = 'SQLite format 3\0';

/** The first 16 bytes of a file (fewer if it is shorter), or null if there is no file. */
export async function fileHeader(path: string): Promise<Buffer | null> {
  const handle = await openFile(path, 'r').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return null;
    throw error;
  });
  if (!handle) return null;
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(16), 0, 16, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

function applyKey(db: SqlDatabase, hexKey: string): void {
  // The library's default cipher is ChaCha20; SQLCipher 4 (AES-256) must be chosen before the key.
  db.pragma(`cipher='sqlcipher'`);
  // A raw key skips PBKDF2: the key is already 256 random bits from the keychain.
  db.pragma(`key="x'${hexKey}'"`);
}

/**
 * Opens the encrypted database (SQLCipher 4, raw random 256-bit key kept only in the keychain). A file
 * that the key does not open is never modified, replaced or deleted here: the caller decides with the user.
 */
export async function openEncryptedDatabase(path: string, secrets: SecretStore): Promise<SqlDatabase> {
  const header = await fileHeader(path);
  const exists = header !== null && header.length > 0;
  let key = await secrets.get(DATABASE_KEY_ITEM);
  if (exists) {
    if (header.toString('latin1') === SQLITE_PLAIN_HEADER)
      throw new DatabaseOpenError('foreign-file', 'an unencrypted SQLite database');
    if (!key) throw new DatabaseOpenError('key-missing', 'no key in the keychain for the existing database');
    // Prove the key on a read-only handle first, so that a wrong key cannot lead to any write.
    const probe = new Database(path, { readonly: true, fileMustExist: true });
    try {
      applyKey(probe, key);
      probe.prepare('SELECT count(*) FROM sqlite_master').get();
    } catch (error) {
      throw new DatabaseOpenError('wrong-key', (error as Error).message);
    } finally {
      probe.close();
    }
  } else {
    if (!key) {
      key = randomBytes(32).toString('hex');
      await secrets.set(DATABASE_KEY_ITEM, key);
      if ((await secrets.get(DATABASE_KEY_ITEM)) !== key)
        throw new Error('the keychain did not keep the database key');
    }
  }

  const db = new Database(path);
  try {
    applyKey(db, key);
    configureConnection(db);
    migrate(db);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

/** Durability and privacy settings of every connection, after the key. */
export function configureConnection(db: SqlDatabase): void {
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('secure_delete = ON');
  // Decrypted pages stay cached (SQLCipher cannot use mmap, and each page read from disk is decrypted and
  // its HMAC checked). 32 MiB holds the full-text index of the names and the newest calls of a large
  // history, which name searches read again and again; 16 MiB kept evicting them (bench/storage.ts).
  db.pragma('cache_size = -32768');
}

/** Applies the migrations after the file's version, each in its own transaction. */
export function migrate(db: SqlDatabase, steps: readonly string[] = migrations): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > steps.length)
    throw new DatabaseOpenError('corrupt', `database version ${current} is newer than this app`);
  for (let version = current; version < steps.length; version += 1) {
    db.transaction(() => {
      db.exec(steps[version]!);
      db.pragma(`user_version = ${version + 1}`);
    })();
  }
}
