import { connect } from 'node:tls';
import type { TlsProbeResult } from '../../shared/domain/sip-account.js';
import { CertificateRejectedError } from './certificate-decision.js';
import type { TlsTrust } from './tls-trust.js';
import { trustedTlsOptions } from './trusted-connection.js';

const untrustedCodes = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
  'CERT_REVOKED',
]);

/** Maps a connection error to a probe outcome the UI can explain. */
export function classifyTlsError(error: NodeJS.ErrnoException): TlsProbeResult['outcome'] {
  if (error instanceof CertificateRejectedError) return error.reason;
  const code = error.code ?? '';
  if (untrustedCodes.has(code)) return 'untrusted';
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') return 'hostname-mismatch';
  if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID') return 'expired';
  if (code === 'ECONNREFUSED') return 'refused';
  if (['ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET'].includes(code))
    return 'unreachable';
  return 'tls-error';
}

/**
 * Connects to a wss:// endpoint with Node's TLS and the app's trust, to tell an untrusted or mismatching
 * certificate from a server that is down. It sends nothing after the handshake.
 */
export function probeTls(url: string, trust: TlsTrust, timeoutMs = 5000): Promise<TlsProbeResult> {
  const target = new URL(url);
  if (target.protocol !== 'wss:' && target.protocol !== 'https:') {
    return Promise.resolve({ outcome: 'tls-error', detail: 'not a TLS URL' });
  }
  const host = target.hostname.replace(/^\[|\]$/g, '');
  return new Promise((resolve) => {
    const socket = connect({
      host,
      port: Number(target.port || 443),
      servername: /^[\d.]+$|:/.test(host) ? undefined : host,
      // Roots plus extra CAs, and the pins through the shared certificate decision.
      ...trustedTlsOptions(trust),
      ALPNProtocols: ['http/1.1'],
    });
    const finish = (result: TlsProbeResult) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(() => finish({ outcome: 'timeout' }), timeoutMs);
    socket.once('secureConnect', () => {
      finish({ outcome: 'ok' });
    });
    socket.once('error', (error: NodeJS.ErrnoException) =>
      finish({ outcome: classifyTlsError(error), detail: error.code }),
    );
  });
}
