import { rm } from 'node:fs/promises';
import type { SecretStore } from '../secrets/secret-store.js';
import type { SqlDatabase } from './database.js';

/** The files SQLite keeps for a WAL database. */
export function databaseFiles(path: string): string[] {
  return [path, `${path}-wal`, `${path}-shm`];
}

/**
 * Crypto-shredding: the key leaves the keychain first (without it the file is noise), then the
 * database and its -wal/-shm files are removed, then every other item of the app in the keychain.
 */
export async function shredAllData(options: {
  db: SqlDatabase | null;
  path: string;
  secrets: SecretStore;
}): Promise<void> {
  options.db?.close();
  await options.secrets.clear();
  for (const file of databaseFiles(options.path)) await rm(file, { force: true });
}
