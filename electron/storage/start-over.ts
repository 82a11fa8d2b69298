import { lstat, readdir, rename } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { SecretStore } from '../secrets/secret-store.js';
import { DATABASE_KEY_ITEM } from './database.js';

const ASIDE_MARK = '.unreadable-';

/** A WAL database's files: the database, its -wal and its -shm. */
function withSidecars(path: string): [string, string, string] {
  return [path, `${path}-wal`, `${path}-shm`];
}

/** 2026-11-25T10:00:00.123Z -> 2026-11-25T10-00-00Z: sortable, and valid in file names on every OS. */
export function fileNameStamp(now: number): string {
  return new Date(now)
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/:/g, '-');
}

async function exists(path: string): Promise<boolean> {
  return lstat(path).then(
    () => true,
    (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return false;
      throw error;
    },
  );
}

/**
 * A name beside the database that neither it nor its -wal/-shm would overwrite:
 * softphone.db.unreadable-2026-11-25T10-00-00Z, then ...Z-2, ...Z-3 within the same second.
 */
async function freeAsidePath(path: string, now: number): Promise<string> {
  const base = `${path}${ASIDE_MARK}${fileNameStamp(now)}`;
  for (let n = 1; ; n += 1) {
    const candidate = n === 1 ? base : `${base}-${n}`;
    const taken = await Promise.all(withSidecars(candidate).map(exists));
    if (!taken.some(Boolean)) return candidate;
  }
}

/** Database files kept aside by earlier start-overs (main files, -wal and -shm), as full paths. */
export async function keptAsideFiles(path: string): Promise<string[]> {
  const prefix = `${basename(path)}${ASIDE_MARK}`;
  const names = await readdir(dirname(path)).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw error;
  });
  return names
    .filter((name) => name.startsWith(prefix))
    .sort()
    .map((name) => join(dirname(path), name));
}

/**
 * "Start over" after a database that does not open: the file and its -wal/-shm are renamed, never
 * deleted or changed, to softphone.db.unreadable-<time> (SQLite's own naming, so the set still opens
 * together); the key that belonged to them, if any, is kept in the keychain under a matching name; the
 * database key item is removed so that the next open creates a new database with a new key.
 *
 * The -wal and -shm go first: a -wal left next to a fresh database would be replayed into it.
 * Returns the file name (without directory) the database now has.
 */
export async function moveDatabaseAside(options: {
  path: string;
  secrets: SecretStore;
  now: number;
}): Promise<string> {
  const { path, secrets } = options;
  if (!(await exists(path))) throw new Error('there is no database file to move aside');
  const aside = await freeAsidePath(path, options.now);
  const oldKey = await secrets.get(DATABASE_KEY_ITEM);
  if (oldKey !== null) {
    const keptKeyItem = `${DATABASE_KEY_ITEM}${basename(aside).slice(basename(path).length)}`;
    await secrets.set(keptKeyItem, oldKey);
    if ((await secrets.get(keptKeyItem)) !== oldKey)
      throw new Error('the keychain did not keep the key of the unreadable database');
  }
  const [main, wal, shm] = withSidecars(path);
  const [asideMain, asideWal, asideShm] = withSidecars(aside);
  for (const [from, to] of [
    [wal, asideWal],
    [shm, asideShm],
  ] as const) {
    if (await exists(from)) await rename(from, to);
  }
  await rename(main, asideMain);
  if (oldKey !== null) await secrets.delete(DATABASE_KEY_ITEM);
  return basename(aside);
}
