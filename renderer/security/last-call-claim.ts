import type { SecurityOverview } from '../../shared/security/overview';

/**
 * What the newest call in the history may claim about its encryption, by the rules the call itself used
 * (renderer/phone/security-claim.ts): `verified-end-to-end` only after the security codes matched,
 * `encrypted-not-verified` for a peer that ends the encryption itself, `encrypted-to-provider` otherwise;
 * `no-media` when the call never set up encrypted media (not answered, or it failed before).
 */
export type LastCallClaim =
  'verified-end-to-end' | 'encrypted-not-verified' | 'encrypted-to-provider' | 'code-mismatch' | 'no-media';

export function lastCallClaim(lastCall: SecurityOverview['lastCall']): LastCallClaim {
  if (!lastCall || lastCall.dtlsState !== 'connected') return 'no-media';
  if (lastCall.encryptionScope !== 'peer') return 'encrypted-to-provider';
  if (lastCall.sasMatched === false) return 'code-mismatch';
  return lastCall.sasMatched ? 'verified-end-to-end' : 'encrypted-not-verified';
}
