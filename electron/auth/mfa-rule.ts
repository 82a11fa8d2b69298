import type { MfaRefusal } from '../../shared/domain/identity.js';
import type { EffectiveMfaRule } from '../../shared/policy/schema.js';

/** How a sign-in proved its second factor: by `amr`, by `acr`, or by IT's statement about the IdP. */
export type MfaProof = 'amr' | 'acr' | 'idp-attestation';

/** What an interactive sign-in showed about its second factor; kept with the session. */
export interface MfaEvidence {
  proven: boolean;
  proof: MfaProof | null;
  amr: string[];
  acr: string | null;
}

const MAX_AMR_VALUES = 20;

function amrOf(claims: Record<string, unknown>): string[] {
  const amr = Array.isArray(claims.amr) ? claims.amr : [];
  return amr.filter((value): value is string => typeof value === 'string').slice(0, MAX_AMR_VALUES);
}

/**
 * The MFA rule of the policy over an ID token of an interactive sign-in: proven when an `amr` value is one
 * the rule accepts, when `acr` is, or when IT attests that the IdP enforces a second factor. Tokens from a
 * refresh are never judged by it (Auth0 leaves `amr` out of them).
 */
export function evaluateMfa(claims: Record<string, unknown>, rule: EffectiveMfaRule): MfaEvidence {
  const amr = amrOf(claims);
  const acr = typeof claims.acr === 'string' ? claims.acr.slice(0, 256) : null;
  const proof: MfaProof | null = amr.some((value) => rule.amr.includes(value))
    ? 'amr'
    : acr !== null && rule.acr.includes(acr)
      ? 'acr'
      : rule.enforcedByIdp
        ? 'idp-attestation'
        : null;
  return { proven: proof !== null, proof, amr, acr };
}

/** What a refusal names: the token's evidence beside what the policy accepts. */
export function mfaRefusalOf(evidence: MfaEvidence, rule: EffectiveMfaRule): MfaRefusal {
  return {
    amr: evidence.amr.map((value) => value.slice(0, 32)),
    acr: evidence.acr,
    acceptedAmr: rule.amr.slice(0, 32),
    acceptedAcr: rule.acr.slice(0, 10),
  };
}

/** The refusal in English, for the log: "amr absent, acr = 1; policy requires amr one of mfa, otp or acr …". */
export function describeMfaRefusal(refusal: MfaRefusal): string {
  const amr = refusal.amr.length > 0 ? `amr = ${refusal.amr.join(',')}` : 'amr absent';
  const acr = refusal.acr !== null ? `acr = ${refusal.acr}` : 'acr absent';
  const accepted = [
    refusal.acceptedAmr.length > 0 && `amr one of ${refusal.acceptedAmr.join(',')}`,
    refusal.acceptedAcr.length > 0 && `acr one of ${refusal.acceptedAcr.join(',')}`,
  ].filter(Boolean);
  return `${amr}, ${acr}; policy requires ${accepted.join(' or ') || 'a second factor'}`;
}
