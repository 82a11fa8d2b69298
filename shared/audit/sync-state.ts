import { z } from 'zod';

/**
 * Where the delivery of the audit log to the provider stands (electron/audit/sync.ts), as the admin screen
 * shows it:
 * - `idle`: nothing is being sent (everything delivered, or waiting for the next trigger);
 * - `syncing`: a batch is on its way;
 * - `waiting`: the last attempt failed and the next one is scheduled (`nextAttemptAt`);
 * - `signed-out`: there is no access token (or the provider refused it after a refresh): sign-in restarts it;
 * - `not-configured`: policy names no provider API;
 * - `unavailable`: the database is not open.
 */
export const auditSyncStates = [
  'idle',
  'syncing',
  'waiting',
  'signed-out',
  'not-configured',
  'unavailable',
] as const;

/** Why the last attempt failed; never a message from the server (it may carry anything). */
export const auditSyncErrors = [
  'network',
  'timeout',
  'tls',
  'server',
  'throttled',
  'unauthorized',
  'rejected',
  'invalid-response',
] as const;
export type AuditSyncError = (typeof auditSyncErrors)[number];

export const AuditSyncStatus = z.object({
  state: z.enum(auditSyncStates),
  /** Events recorded on this device and not yet acknowledged by the provider. */
  pending: z.number().int().nonnegative(),
  /** When the provider last acknowledged a batch (ms since the epoch), in this run of the app. */
  lastDeliveredAt: z.number().int().nonnegative().nullable(),
  lastError: z.enum(auditSyncErrors).nullable(),
  /** When the last failure happened. */
  lastErrorAt: z.number().int().nonnegative().nullable(),
  /** When the next attempt is due, while `waiting`. */
  nextAttemptAt: z.number().int().nonnegative().nullable(),
});
export type AuditSyncStatus = z.infer<typeof AuditSyncStatus>;

/** Before the first attempt: nothing sent, nothing failed. */
export const IDLE_AUDIT_SYNC: AuditSyncStatus = {
  state: 'idle',
  pending: 0,
  lastDeliveredAt: null,
  lastError: null,
  lastErrorAt: null,
  nextAttemptAt: null,
};

/** The admin screen's view of the log: newest first, optionally by type and time. */
export const AuditLogQuery = z
  .object({
    types: z.array(z.string().min(1).max(64)).max(64).optional(),
    /** From this time on (ms since the epoch, inclusive). */
    from: z.number().int().nonnegative().optional(),
    /** Before this time (ms since the epoch, exclusive). */
    to: z.number().int().nonnegative().optional(),
    limit: z.number().int().min(1).max(1000).default(200),
  })
  .strict();
export type AuditLogQuery = z.input<typeof AuditLogQuery>;

export const AuditLogEntry = z.object({
  id: z.string(),
  sequence: z.number().int().positive(),
  at: z.number().int().nonnegative(),
  type: z.string(),
  details: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
});
export type AuditLogEntry = z.infer<typeof AuditLogEntry>;
