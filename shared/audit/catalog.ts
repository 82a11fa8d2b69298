import { z } from 'zod';
import { keychainFailures, storageFailures } from '../domain/history.js';
import { signInMethods } from '../policy/schema.js';
import type { SettingKey } from '../settings/settings.js';

/**
 * The audit event catalog: every event the app records, each with the schema of its details.
 *
 * Rules of the catalog:
 * - Events are created in main. The renderer may only ask for the user-initiated ones in
 *   `RendererAuditEvent`, through a validated IPC channel.
 * - Details carry no call content (no numbers, names, addresses, audio) and no more personal data than
 *   the event needs: the user is in the envelope, not in the details.
 * - Details are flat (string, number, boolean or null values), so that each is one column in an export
 *   and one field at the provider.
 * - Versioned: a released event's details never change incompatibly. A new event type or a new optional
 *   field raises `AUDIT_CATALOG_VERSION`; every stored event keeps the version it was written with.
 */
export const AUDIT_CATALOG_VERSION = 2;

const count = z.number().int().nonnegative();
const timestamp = z.number().int().nonnegative();
const appVersion = z.string().min(1).max(64);
const signInMethod = z.enum(signInMethods);
/** Comma-separated key paths ("requireMfa,provider.issuer"): names of policy keys, never their values. */
const keyList = z
  .string()
  .max(2000)
  .regex(/^[A-Za-z0-9_.()-]*(,[A-Za-z0-9_.()-]+)*$/, 'comma-separated key paths');
/** Authentication method references (RFC 8176) the ID token carried, comma-separated: "pwd", "pwd,otp". */
const amrList = z
  .string()
  .max(200)
  .regex(/^([a-z0-9_-]+(,[a-z0-9_-]+)*)?$/i, 'comma-separated amr values');
/** A host name or IP address, without user, path or port. */
const host = z
  .string()
  .min(1)
  .max(253)
  .regex(/^[A-Za-z0-9.:[\]-]+$/, 'a host name or IP address');
const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'a SHA-256 in lower-case hex');

/** Settings whose change is audited (by name and value; only settings whose values are not personal). */
export const securityRelevantSettings = ['dtmfTransport'] as const satisfies readonly SettingKey[];
export type SecurityRelevantSetting = (typeof securityRelevantSettings)[number];

/** How a sign-in proved its second factor (electron/auth/mfa-rule.ts). */
export const mfaProofs = ['amr', 'acr', 'idp-attestation'] as const;
/** An Authentication Context Class Reference as the IdP sent it (an URN, a URL or a level such as "1"). */
const acrValue = z
  .string()
  .max(256)
  .regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces');

export const signInFailureReasons = [
  'cancelled',
  'timeout',
  'state-mismatch',
  'invalid-token',
  'idp-error',
  'network',
  'error',
] as const;
export const signOutReasons = [
  'user',
  'session-expired',
  'refresh-failed',
  'policy',
  'data-deleted',
] as const;
export const lockReasons = ['idle', 'os-lock', 'sleep', 'user'] as const;
export const refreshFailureReasons = ['invalid-grant', 'network', 'server', 'error'] as const;
export const sipCredentialRejections = ['authentication', 'expired', 'invalid-response', 'error'] as const;
/** The TLS probe's outcomes that are a certificate refused (shared/domain/sip-account.ts). */
export const certificateRejections = ['untrusted', 'hostname-mismatch', 'expired', 'pin-mismatch'] as const;
/**
 * How `verify()` found the chain broken; see electron/audit/audit-store.ts. `wiped` and `rolled-back` come
 * from comparing with the last link the keychain (or the provider) knows: the log holds none of it, or
 * an older state.
 */
export const chainProblems = [
  'altered',
  'forged',
  'broken',
  'missing',
  'reordered',
  'wiped',
  'rolled-back',
] as const;
/** Who noticed a gap in the log: the keychain's record of the last link, or the provider's acknowledged one. */
export const gapDetectors = ['keychain', 'provider'] as const;
export type ChainProblem = (typeof chainProblems)[number];

function entry<T extends string, S extends z.ZodRawShape>(type: T, details: S) {
  return z.object({ type: z.literal(type), details: z.object(details).strict() }).strict();
}

const sasMismatchReported = entry('call.sasMismatchReported', {
  /** The phone engine's random call id: no number, no name. */
  callId: z.string().min(1).max(128),
});

export const AuditEvent = z.discriminatedUnion('type', [
  entry('app.started', {
    runtime: z.enum(['electron', 'shell']),
    platform: z.enum(['linux', 'darwin', 'win32', 'other']),
  }),
  entry('app.updated', { from: appVersion, to: appVersion }),

  entry('auth.signInSucceeded', {
    method: signInMethod,
    mfa: z.boolean(),
    /** How the second factor was proven (version 2): by amr, by acr, or by IT's attestation of the IdP. */
    mfaProof: z.enum(mfaProofs).optional(),
  }),
  entry('auth.signInFailed', { method: signInMethod, reason: z.enum(signInFailureReasons) }),
  /** Policy requires a second factor and the ID token showed none by its rule: its amr and (version 2) acr. */
  entry('auth.signInRefusedNoMfa', { method: signInMethod, amr: amrList, acr: acrValue.optional() }),
  entry('auth.signedOut', { reason: z.enum(signOutReasons) }),
  entry('session.locked', { reason: z.enum(lockReasons) }),
  entry('session.unlocked', { reauthenticated: z.boolean() }),
  entry('session.expired', { maxAgeHours: z.number().int().positive() }),
  entry('token.refreshed', {}),
  entry('token.refreshFailed', { reason: z.enum(refreshFailureReasons) }),

  entry('sip.credentialsProvisioned', {
    source: z.enum(['provider', 'manual']),
    expiresAt: timestamp.nullable(),
  }),
  entry('sip.credentialsRotated', { expiresAt: timestamp.nullable() }),
  entry('sip.credentialsRejected', { reason: z.enum(sipCredentialRejections) }),
  entry('tls.certificateRejected', { host, reason: z.enum(certificateRejections) }),

  entry('keychain.unavailable', { reason: z.enum(keychainFailures) }),
  entry('database.openFailed', { reason: z.enum(storageFailures) }),

  /** "Export my data": how many records of each kind the export held, and how many files it wrote. */
  entry('data.exported', { calls: count, contacts: count, auditEvents: count, files: count }),
  /** "Delete all my data" (count null: everything, by crypto-shredding) or "clear call history". */
  entry('data.deleted', { scope: z.enum(['all', 'call-history']), count: count.nullable() }),
  entry('data.purged', {
    scope: z.enum(['call-history']),
    count,
    retentionDays: z.number().int().positive(),
  }),

  /** The policy in force at start: the keys it sets and a digest of its canonical form. */
  entry('policy.applied', { keys: keyList, digest: sha256Hex }),
  /** A new valid policy while running: the keys whose values changed. */
  entry('policy.changed', { keys: keyList, digest: sha256Hex }),
  /** A policy that does not validate while running (the last valid one stays in force): the bad keys. */
  entry('policy.invalid', { keys: keyList, count }),
  entry('settings.changed', {
    setting: z.enum(securityRelevantSettings),
    value: z.union([z.string().max(64), z.boolean()]),
  }),

  sasMismatchReported,
  /** The media watchdog ended a call: no audio (RTP or RTCP) from the far end for policy's time (v2). */
  entry('call.endedWithoutAudio', {
    callId: z.string().min(1).max(128),
    seconds: z.number().int().positive(),
  }),

  /** `verify()` found the stored chain broken when the database was opened. */
  entry('audit.chainBroken', { problem: z.enum(chainProblems), sequence: count }),
  /**
   * Events of a device's log are gone (`missingFrom`..`missingTo`, in the chain of `device`): the log was
   * wiped or rolled back to an older copy, or events waiting for delivery were deleted. The link declares
   * the gap, so the chain goes on after it (sequence `missingTo + 1` when it skips the missing ones) and the
   * provider accepts it; it is never re-anchored silently.
   */
  entry('audit.gapDetected', {
    problem: z.enum(chainProblems),
    detectedBy: z.enum(gapDetectors),
    device: z.string().min(1).max(64),
    missingFrom: count,
    missingTo: count,
  }),
]);
export type AuditEvent = z.infer<typeof AuditEvent>;
export type AuditEventType = AuditEvent['type'];
export type AuditEventOf<T extends AuditEventType> = Extract<AuditEvent, { type: T }>;

export const auditEventTypes: readonly AuditEventType[] = AuditEvent.options.map(
  (option) => option.shape.type.value,
);

export function isAuditEventType(value: unknown): value is AuditEventType {
  return typeof value === 'string' && (auditEventTypes as readonly string[]).includes(value);
}

/**
 * What the renderer may ask main to record: only what the user did and main cannot see for itself.
 * ("Export my data" is written by main, which records it; the renderer cannot claim it.)
 */
export const RendererAuditEvent = z.discriminatedUnion('type', [sasMismatchReported]);
export type RendererAuditEvent = z.infer<typeof RendererAuditEvent>;

/** What `verify()` found: every link intact, or the first one that is not (see chainProblems). */
export const ChainVerification = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), count, lastSequence: count }),
  z.object({ ok: z.literal(false), problem: z.enum(chainProblems), sequence: count, count }),
]);
export type ChainVerification = z.infer<typeof ChainVerification>;

/** A details value: flat, so that every field is one export column. */
export type AuditDetailValue = string | number | boolean | null;

/**
 * One stored event as it is hashed and delivered (`POST /v1/audit-events`). `hash` is SHA-256 over the
 * RFC 8785 canonical JSON of every field but `hash` and `hmac`; `hmac` is HMAC-SHA-256 of `hash` with a
 * key that only the device's keychain holds.
 */
export const AuditEnvelope = z
  .object({
    v: z.number().int().positive(),
    id: z.uuid({ version: 'v7' }),
    seq: z.number().int().positive(),
    time: z.iso.datetime(),
    deviceId: z.string().min(1).max(64),
    user: z.string().max(256).nullable(),
    appVersion,
    type: z.string().min(1).max(64),
    details: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
    prevHash: sha256Hex,
    hash: sha256Hex,
    hmac: sha256Hex,
  })
  .strict();
export type AuditEnvelope = z.infer<typeof AuditEnvelope>;
