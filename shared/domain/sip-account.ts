import { z } from 'zod';

const wssUrl = z
  .url({ protocol: /^wss$/, error: 'only wss:// (SIP over secure WebSocket) is allowed' })
  .max(2048);

/** A SIP account entered by hand in Settings (until sign-in provisioning gives one). */
export const SipAccount = z
  .object({
    displayName: z.string().trim().max(128),
    sipUri: z
      .string()
      .trim()
      .max(512)
      .regex(/^sips?:[^@\s:;]+@[^@\s;]+$/i, 'must look like sip:user@domain'),
    authorizationUser: z.string().trim().min(1).max(256),
    wssUrl,
    /** Digest realm; defaults to the domain of the SIP URI. */
    realm: z.string().trim().max(256).optional(),
  })
  .strict();
export type SipAccount = z.infer<typeof SipAccount>;

export const SaveSipAccount = SipAccount.extend({ password: z.string().min(1).max(256) }).strict();
export type SaveSipAccount = z.infer<typeof SaveSipAccount>;

/** The password of the templated account (entered once after sign-in). */
export const SetSipPassword = z.object({ password: z.string().min(1).max(256) }).strict();
export type SetSipPassword = z.infer<typeof SetSipPassword>;

export const SipAccountState = z.object({
  account: SipAccount.nullable(),
  /** `template`: from the policy's template over the ID token, without a provider API. */
  source: z.enum(['manual', 'provisioned', 'template']).nullable(),
  /** A templated account whose password has not been entered yet (once per sign-in). */
  passwordNeeded: z.boolean().optional(),
  /** Policy may forbid manual accounts. */
  manualAllowed: z.boolean(),
});
export type SipAccountState = z.infer<typeof SipAccountState>;

/**
 * What the phone engine registers with. The HA1 digest (MD5 of user:realm:password) replaces the
 * password, so the renderer never holds the plain password.
 */
export const SipRegistration = z.object({
  displayName: z.string(),
  sipUri: z.string(),
  authorizationUser: z.string(),
  wssUrl: z.string(),
  realm: z.string(),
  ha1: z.string().regex(/^[0-9a-f]{32}$/),
});
export type SipRegistration = z.infer<typeof SipRegistration>;

export function realmOf(account: SipAccount): string {
  return account.realm || account.sipUri.slice(account.sipUri.indexOf('@') + 1).replace(/:\d+$/, '');
}

/** Outcomes of main's TLS probe of the SIP edge (the browser reports all of them as close code 1006). */
export const tlsProbeOutcomes = [
  'ok',
  'untrusted',
  'hostname-mismatch',
  'expired',
  'pin-mismatch',
  'refused',
  'unreachable',
  'timeout',
  'tls-error',
] as const;
export const TlsProbeResult = z.object({
  outcome: z.enum(tlsProbeOutcomes),
  detail: z.string().max(512).optional(),
  /** On success: the TLS version agreed (e.g. "TLSv1.3") and who issued the server's certificate. */
  protocol: z.string().max(32).optional(),
  issuer: z.string().max(512).optional(),
});
export type TlsProbeResult = z.infer<typeof TlsProbeResult>;
