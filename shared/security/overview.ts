import { z } from 'zod';
import { AuditSyncStatus } from '../audit/sync-state.js';
import { StorageStatus } from '../domain/history.js';
import { tlsProbeOutcomes } from '../domain/sip-account.js';

/** The keychain the app uses, by operating system (electron/secrets/secret-store.ts, keytar). */
export const keychainBackends = [
  'secret-service',
  'macos-keychain',
  'windows-credential-manager',
  'other',
] as const;

/**
 * Security and privacy at a glance (renderer/screens/SecurityScreen.tsx), from main's live state: what is
 * true now, not what the app was built to do.
 */
export const SecurityOverview = z.object({
  /** The SIP server of the account in use, as main's own TLS connection with the app's trust sees it. */
  connection: z.object({
    server: z.string().max(512).nullable(),
    outcome: z.enum(tlsProbeOutcomes).nullable(),
    protocol: z.string().max(32).nullable(),
    issuer: z.string().max(512).nullable(),
    pinned: z.boolean(),
    extraCas: z.number().int().nonnegative(),
  }),
  /** The newest call in the history and what was proven about its encryption. */
  lastCall: z
    .object({
      at: z.number(),
      dtlsState: z.string().nullable(),
      srtpCipher: z.string().nullable(),
      encryptionScope: z.string().nullable(),
      sasMatched: z.boolean().nullable(),
    })
    .nullable(),
  /** The encrypted database (SQLCipher 4, AES-256, its key in the keychain): open, or why not. */
  database: StorageStatus,
  keychain: z.object({ backend: z.enum(keychainBackends), usable: z.boolean() }),
  policy: z.object({
    /** Where IT's policy is read from (file, registry key, managed preferences). */
    location: z.string().max(512),
    /** The keys IT set; none: the app's defaults. */
    keys: z.array(z.string().max(64)).max(200),
  }),
  audit: AuditSyncStatus,
  /** Where audit events go (the provider API's host), or null when none is configured. */
  auditReceiver: z.string().max(256).nullable(),
  lock: z.object({ idleLockMinutes: z.number(), sessionMaxAgeHours: z.number() }),
  retention: z.object({ historyRetentionDays: z.number().nullable(), auditRetentionDays: z.number() }),
});
export type SecurityOverview = z.infer<typeof SecurityOverview>;
