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

export const storageFailures = ['key-missing', 'wrong-key', 'foreign-file', 'corrupt', 'keychain'] as const;
export const StorageStatus = z.discriminatedUnion('state', [
  z.object({ state: z.literal('ready') }),
  z.object({ state: z.literal('error'), reason: z.enum(storageFailures) }),
]);
export type StorageStatus = z.infer<typeof StorageStatus>;
