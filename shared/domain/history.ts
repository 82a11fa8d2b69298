import { z } from 'zod';
import { callDispositions } from './calls.js';

export const CallRecord = z.object({
  id: z.string(),
  direction: z.enum(['incoming', 'outgoing']),
  account: z.string(),
  remoteUri: z.string(),
  remoteName: z.string().nullable(),
  startedAt: z.number(),
  answeredAt: z.number().nullable(),
  endedAt: z.number().nullable(),
  durationMs: z.number().nullable(),
  disposition: z.enum(callDispositions).nullable(),
  cause: z.string().nullable(),
  dtlsState: z.string().nullable(),
  srtpCipher: z.string().nullable(),
  encryptionScope: z.string().nullable(),
  sasMatched: z.boolean().nullable(),
});
export type CallRecord = z.infer<typeof CallRecord>;

export const historyFilters = ['all', 'missed', 'incoming', 'outgoing'] as const;
export type HistoryFilter = (typeof historyFilters)[number];

export const HistoryQuery = z
  .object({
    filter: z.enum(historyFilters).default('all'),
    search: z.string().trim().max(100).default(''),
    before: z
      .object({ startedAt: z.number().int(), id: z.string().max(128) })
      .strict()
      .optional(),
    limit: z.number().int().min(1).max(200).default(50),
  })
  .strict();
export type HistoryQuery = z.input<typeof HistoryQuery>;

/** Why the database file cannot be opened (the keychain works): the user chooses what to do. */
export const storageFailures = ['key-missing', 'wrong-key', 'foreign-file', 'corrupt'] as const;
/**
 * Why the OS keychain cannot be used; then nothing is stored at all, and nothing in plaintext.
 * 'library-missing': the keychain library itself does not load (on Linux, libsecret is not installed).
 */
export const keychainFailures = [
  'no-bus',
  'no-service',
  'locked',
  'probe-mismatch',
  'library-missing',
  'error',
] as const;
export const StorageStatus = z.discriminatedUnion('state', [
  z.object({ state: z.literal('ready') }),
  z.object({ state: z.literal('error'), reason: z.enum(storageFailures) }),
  z.object({ state: z.literal('keychain-unavailable'), reason: z.enum(keychainFailures) }),
]);
export type StorageStatus = z.infer<typeof StorageStatus>;

/** `storage.startOver` needs this literal: the unreadable files are moved aside, a new database begins. */
export const START_OVER_CONFIRMATION = 'move-aside-and-start-over';

export const StartOverResult = z.object({
  status: StorageStatus,
  /** The file name (no directory) the unreadable database was moved to; its -wal/-shm sit beside it. */
  keptAs: z.string(),
});
export type StartOverResult = z.infer<typeof StartOverResult>;

/** A storage diagnostics report without personal data, for the user to save and pass on to IT. */
export const DiagnosticsReport = z.object({ fileName: z.string(), text: z.string() });
export type DiagnosticsReport = z.infer<typeof DiagnosticsReport>;
