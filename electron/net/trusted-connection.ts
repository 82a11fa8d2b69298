import { checkServerIdentity as nodeCheckServerIdentity, type PeerCertificate } from 'node:tls';
import { CertificateRejectedError, decideCertificate } from './certificate-decision.js';
import { trustedCas, type TlsTrust } from './tls-trust.js';

/** The DER chain Node verified, leaf first, up to the trust anchor it used. */
function peerChain(certificate: PeerCertificate): Buffer[] {
  const chain: Buffer[] = [];
  const seen = new Set<string>();
  let current: PeerCertificate | undefined = certificate;
  while (current?.raw && !seen.has(current.fingerprint256)) {
    seen.add(current.fingerprint256);
    chain.push(current.raw);
    current = (current as { issuerCertificate?: PeerCertificate }).issuerCertificate;
  }
  return chain;
}

/**
 * Node's `checkServerIdentity` with the policy's pins: Node has verified the chain against the system
 * roots plus the extra CAs when it calls this; the host name is checked by Node's own function, the pins
 * by the shared decision. A refusal is a `CertificateRejectedError` naming its reason.
 */
export function checkServerIdentityWith(
  trust: TlsTrust,
  now: () => Date = () => new Date(),
): (hostname: string, certificate: PeerCertificate) => Error | undefined {
  return (hostname, certificate) => {
    const hostError = nodeCheckServerIdentity(hostname, certificate);
    if (hostError) return hostError;
    const decision = decideCertificate({
      hostname,
      chain: peerChain(certificate),
      platform: { ok: true },
      trust,
      now: now(),
    });
    return decision.accept ? undefined : new CertificateRejectedError(decision.reason, hostname);
  };
}

/** TLS options for every Node connection to the provider: system roots plus extra CAs, and the pins. */
export function trustedTlsOptions(trust: TlsTrust): {
  ca: string[];
  checkServerIdentity: (hostname: string, certificate: PeerCertificate) => Error | undefined;
} {
  return { ca: trustedCas(trust), checkServerIdentity: checkServerIdentityWith(trust) };
}
