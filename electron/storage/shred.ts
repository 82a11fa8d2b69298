import { rm } from 'node:fs/promises';
import type { SecretStore } from '../secrets/secret-store.js';
import type { SqlDatabase } from './database.js';
import { keptAsideFiles } from './start-over.js';

/** The files SQLite keeps for a WAL database. */
export function databaseFiles(path: string): string[] {
  return [path, `${path}-wal`, `${path}-shm`];
}

/**
 * Crypto-shredding: the keys leave the keychain first (without them the files are noise), then the
 * database and its -wal/-shm files are removed, and so are unreadable databases a start-over kept aside.
 */
export async function shredAllData(options: {
  db: SqlDatabase | null;
  path: string;
  secrets: SecretStore;
}): Promise<void> {
  options.db?.close();
  await options.secrets.clear();
  for (const file of databaseFiles(options.path)) await rm(file, { force: true });
  for (const file of await keptAsideFiles(options.path)) await rm(file, { force: true });
}
