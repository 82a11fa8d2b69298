import { lstat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { DiagnosticsReport, StorageStatus } from '../../shared/domain/history.js';
import type { SecretStore } from '../secrets/secret-store.js';
import { DATABASE_KEY_ITEM, fileHeader, SQLITE_PLAIN_HEADER } from './database.js';
import { fileNameStamp, keptAsideFiles } from './start-over.js';

/**
 * What the first bytes of the database file say. An SQLCipher file begins with its random salt, so
 * "encrypted" means "not plain SQLite and not empty": it may also be damaged or something else.
 */
export type HeaderKind = 'no-file' | 'empty' | 'plain-sqlite' | 'encrypted';

export interface FileFact {
  /** The file name only: the folder contains the user's name on most systems. */
  name: string;
  /** Size in bytes, or null when there is no such file. */
  bytes: number | null;
}

/** Everything the report says. Nothing here is personal: no path, no key, no content of any file. */
export interface StorageFacts {
  generatedAt: number;
  app: { name: string; version: string; runtime: string; platform: string };
  status: StorageStatus;
  header: HeaderKind;
  files: FileFact[];
  /** Whether the keychain holds a database key; null when the keychain cannot be asked. */
  databaseKeyPresent: boolean | null;
  keptAside: FileFact[];
}

export function headerKind(header: Buffer | null): HeaderKind {
  if (header === null) return 'no-file';
  if (header.length === 0) return 'empty';
  return header.toString('latin1') === SQLITE_PLAIN_HEADER ? 'plain-sqlite' : 'encrypted';
}

async function fileFact(path: string): Promise<FileFact> {
  const size = await lstat(path).then(
    (stats) => stats.size,
    (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return null;
      throw error;
    },
  );
  return { name: basename(path), bytes: size };
}

/** Looks at the database files and the keychain without opening, changing or reading any content. */
export async function gatherStorageFacts(options: {
  path: string;
  secrets: SecretStore;
  status: StorageStatus;
  app: StorageFacts['app'];
  now: number;
}): Promise<StorageFacts> {
  const { path, status } = options;
  // A keychain that failed its probe may answer every read with null: asking it would prove nothing.
  const databaseKeyPresent =
    status.state === 'keychain-unavailable'
      ? null
      : await options.secrets.get(DATABASE_KEY_ITEM).then(
          (key) => key !== null,
          () => null,
        );
  return {
    generatedAt: options.now,
    app: options.app,
    status,
    header: headerKind(await fileHeader(path)),
    files: await Promise.all([path, `${path}-wal`, `${path}-shm`].map(fileFact)),
    databaseKeyPresent,
    keptAside: await Promise.all((await keptAsideFiles(path)).map(fileFact)),
  };
}

/** The report as the user saves it: JSON that a person can read and a support tool can parse. */
export function buildDiagnosticsReport(facts: StorageFacts): DiagnosticsReport {
  const report = {
    report: 'storage diagnostics',
    contains:
      'Only facts about the database files and the keychain: no key, no names, no numbers, no call data, no paths.',
    generatedAt: new Date(facts.generatedAt).toISOString(),
    app: facts.app,
    storage: facts.status,
    database: {
      header: facts.header,
      files: facts.files,
    },
    keychain: {
      usable: facts.status.state !== 'keychain-unavailable',
      databaseKey:
        facts.databaseKeyPresent === null ? 'not checked' : facts.databaseKeyPresent ? 'present' : 'absent',
    },
    keptAside: facts.keptAside,
  };
  return {
    fileName: `softphone-storage-diagnostics-${fileNameStamp(facts.generatedAt)}.json`,
    text: `${JSON.stringify(report, null, 2)}\n`,
  };
}
