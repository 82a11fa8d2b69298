import { X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';
import { pathProblem } from './certificate-constraints.js';
import { spkiSha256, type TlsTrust } from './tls-trust.js';

/** Why a certificate was refused: the same names the TLS probe, the audit log and the UI use. */
export type CertificateRejection = 'untrusted' | 'hostname-mismatch' | 'expired' | 'pin-mismatch';

export type CertificateDecision = { accept: true } | { accept: false; reason: CertificateRejection };

/**
 * What the platform's own verification said: Chromium's (Electron's certificate verify proc) or Node's
 * (which calls `checkServerIdentity` only after the chain verified against roots plus extra CAs).
 */
export type PlatformVerdict =
  | { ok: true }
  /** `unknown-ca`: the only refusal an extra CA from policy may turn into an acceptance. */
  | { ok: false; reason: 'unknown-ca' | Exclude<CertificateRejection, 'pin-mismatch'> };

export interface CertificateDecisionInput {
  /** The host name (or IP literal) the connection was made to. */
  hostname: string;
  /**
   * The chain, leaf first, as DER or PEM: what the server presented, or the chain the platform built
   * (which then includes the trust anchor, so that pinning a CA's key works).
   */
  chain: ReadonlyArray<Buffer | string>;
  platform: PlatformVerdict;
  trust: TlsTrust;
  now: Date;
}

/** The named error of a refused certificate, for Node's TLS and fetch callers. */
export class CertificateRejectedError extends Error {
  override readonly name = 'CertificateRejectedError';
  /** Mirrors Node's error codes so that `classifyTlsError` and logs can tell the reason. */
  readonly code: string;
  constructor(
    readonly reason: CertificateRejection,
    readonly hostname: string,
  ) {
    super(
      reason === 'pin-mismatch'
        ? `${hostname}: none of the certificate keys is pinned by policy (pin-mismatch)`
        : `${hostname}: certificate refused (${reason})`,
    );
    this.code = `CERT_${reason.toUpperCase().replace(/-/g, '_')}`;
  }
}

function matchesHost(certificate: X509Certificate, hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '');
  return isIP(host) ? certificate.checkIP(host) !== undefined : certificate.checkHost(host) !== undefined;
}

function withinValidity(certificate: X509Certificate, now: Date): boolean {
  return new Date(certificate.validFrom) <= now && now <= new Date(certificate.validTo);
}

/**
 * Whether the presented chain leads from the leaf, through the presented intermediates, to one of the
 * extra CAs of the policy: every link issued and signed by the next, every issuer a CA. Dates and the
 * RFC 5280 constraints (certificate-constraints.ts) are checked separately. Only used where the platform
 * did not know the CA.
 */
function chainsToExtraCa(chain: X509Certificate[], extraCas: X509Certificate[]): X509Certificate[] | null {
  const [leaf, ...rest] = chain;
  if (!leaf) return null;
  const anchors = extraCas.filter((ca) => ca.ca);
  const path = [leaf];
  let current = leaf;
  const intermediates = [...rest];
  for (let depth = 0; depth < 8; depth += 1) {
    const anchor = anchors.find((ca) => current.checkIssued(ca) && current.verify(ca.publicKey));
    if (anchor) return [...path, anchor];
    const index = intermediates.findIndex(
      (next) => next.ca && current.checkIssued(next) && current.verify(next.publicKey),
    );
    if (index < 0) return null;
    current = intermediates.splice(index, 1)[0]!;
    path.push(current);
  }
  return null;
}

/** EKU, key usage, path length and name constraints (certificate-constraints.ts); unreadable ones break. */
function constraintsBroken(path: X509Certificate[]): boolean {
  try {
    return pathProblem(path) !== null;
  } catch {
    return true;
  }
}

function parse(certificate: Buffer | string): X509Certificate | null {
  try {
    return new X509Certificate(certificate);
  } catch {
    return null;
  }
}

/**
 * The one decision about a server certificate, made the same way in Electron (certificate verify proc)
 * and in Node (TLS probe, fetches to the provider API and issuer):
 * 1. What the platform refused stays refused, except a chain whose CA the platform did not know and which
 *    leads to an extra CA from policy (its host name and dates are then checked here).
 * 2. Pins from policy only restrict: with pins, some certificate of the chain must carry a pinned key.
 */
export function decideCertificate(input: CertificateDecisionInput): CertificateDecision {
  const chain = input.chain.map(parse);
  if (chain.length === 0 || chain.some((certificate) => certificate === null))
    return { accept: false, reason: 'untrusted' };
  const certificates = chain as X509Certificate[];
  if (!input.platform.ok) {
    if (input.platform.reason !== 'unknown-ca') return { accept: false, reason: input.platform.reason };
    const extraCas = input.trust.extraCaCertificates.map(parse).filter((ca) => ca !== null);
    const path = chainsToExtraCa(certificates, extraCas);
    if (!path || constraintsBroken(path)) return { accept: false, reason: 'untrusted' };
    if (!path.every((certificate) => withinValidity(certificate, input.now)))
      return { accept: false, reason: 'expired' };
    if (!matchesHost(certificates[0]!, input.hostname)) return { accept: false, reason: 'hostname-mismatch' };
  }
  const pins = input.trust.pinnedSpkiSha256;
  if (pins.length === 0) return { accept: true };
  const keys = certificates.map((certificate) => spkiSha256(certificate.raw));
  // Pinning the CA's key works too: Electron gives the chain it built, anchor included.
  const anchors = input.trust.extraCaCertificates.map(parse).filter((ca) => ca !== null);
  const last = certificates.at(-1)!;
  for (const anchor of anchors)
    if (last.checkIssued(anchor) && last.verify(anchor.publicKey)) keys.push(spkiSha256(anchor.raw));
  return keys.some((key) => pins.includes(key))
    ? { accept: true }
    : { accept: false, reason: 'pin-mismatch' };
}
