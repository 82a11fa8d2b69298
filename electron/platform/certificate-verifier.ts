import {
  decideCertificate,
  type CertificateRejection,
  type PlatformVerdict,
} from '../net/certificate-decision.js';
import type { TlsTrust } from '../net/tls-trust.js';

/** The part of Electron's `Certificate` the verifier reads: PEM data and the issuer chain. */
export interface VerifiedCertificate {
  data: string;
  issuerCert?: VerifiedCertificate | null;
}

/** The part of the request of `session.setCertificateVerifyProc` the verifier reads. */
export interface CertificateVerifyRequest {
  hostname: string;
  certificate: VerifiedCertificate;
  validatedCertificate?: VerifiedCertificate | null;
  /** Chromium's own result: 0 when it trusts the chain, a net error code otherwise. */
  errorCode: number;
}

/** What the verify proc's callback takes: accept, refuse, or keep Chromium's own result. */
export const VERIFY_ACCEPT = 0;
export const VERIFY_REJECT = -2;
export const VERIFY_USE_CHROMIUM = -3;

/** Chromium's net error codes (net/base/net_error_list.h) for the refusals the app can name. */
const chromiumErrors: Record<number, Exclude<PlatformVerdict, { ok: true }>['reason']> = {
  [-200]: 'hostname-mismatch', // ERR_CERT_COMMON_NAME_INVALID
  [-201]: 'expired', // ERR_CERT_DATE_INVALID
  [-202]: 'unknown-ca', // ERR_CERT_AUTHORITY_INVALID
};

function chainOf(certificate: VerifiedCertificate): string[] {
  const chain: string[] = [];
  let current: VerifiedCertificate | null | undefined = certificate;
  while (current?.data && !chain.includes(current.data) && chain.length < 10) {
    chain.push(current.data);
    current = current.issuerCert;
  }
  return chain;
}

/**
 * The certificate verify proc's answer for one request, through the shared decision: Chromium's refusals
 * stand (only an unknown CA that is an extra CA from policy is accepted), and the pins only restrict.
 * Every other Chromium error (revoked, weak key, ...) is refused as untrusted.
 */
export function verifyCertificateRequest(
  request: CertificateVerifyRequest,
  trust: TlsTrust,
  now: Date = new Date(),
): { result: number; rejected: CertificateRejection | null } {
  const platform: PlatformVerdict =
    request.errorCode === 0
      ? { ok: true }
      : { ok: false, reason: chromiumErrors[request.errorCode] ?? 'untrusted' };
  const decision = decideCertificate({
    hostname: request.hostname,
    // The chain Chromium built (anchor included, so that a pinned CA key matches); else the presented one.
    chain: chainOf(request.validatedCertificate ?? request.certificate),
    platform,
    trust,
    now,
  });
  if (!decision.accept) return { result: VERIFY_REJECT, rejected: decision.reason };
  return { result: platform.ok ? VERIFY_USE_CHROMIUM : VERIFY_ACCEPT, rejected: null };
}

/** The part of Electron's `Session` the verifier needs. */
export interface CertificateVerifySession {
  setCertificateVerifyProc(
    proc: (request: CertificateVerifyRequest, callback: (result: number) => void) => void,
  ): void;
}

/**
 * Installs the decision on the session the renderer's connections use (the SIP edge's wss://). The trust
 * is read for every verification, so that a policy change applies to the next connection.
 */
export function installCertificateVerifier(
  session: CertificateVerifySession,
  trust: () => TlsTrust,
  onRejected: (hostname: string, reason: CertificateRejection) => void,
): void {
  session.setCertificateVerifyProc((request, callback) => {
    const { result, rejected } = verifyCertificateRequest(request, trust());
    if (rejected) onRejected(request.hostname, rejected);
    callback(result);
  });
}
