import { createHash, X509Certificate } from 'node:crypto';
import { rootCertificates } from 'node:tls';

/** What the app trusts for TLS: the system roots plus the policy's extra CAs, and optional SPKI pins. */
export interface TlsTrust {
  extraCaCertificates: string[];
  pinnedSpkiSha256: string[];
}

/** The `ca` option for Node's TLS: system roots plus extra CAs (giving `ca` alone would drop the roots). */
export function trustedCas(trust: TlsTrust): string[] {
  return [...rootCertificates, ...trust.extraCaCertificates];
}

/** Base64 SHA-256 of a certificate's SubjectPublicKeyInfo, the format of HPKP and of the policy's pins. */
export function spkiSha256(certificateDer: Buffer): string {
  const spki = new X509Certificate(certificateDer).publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(spki).digest('base64');
}
