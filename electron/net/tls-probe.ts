import { isIP } from 'node:net';
import type { Duplex } from 'node:stream';
import { connect } from 'node:tls';
import type { TlsProbeResult } from '../../shared/domain/sip-account.js';
import { CertificateRejectedError } from './certificate-decision.js';
import { ProxyError, type HttpClient } from './http-client.js';
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
 * Opens TLS to a wss:// endpoint with the app's trust, to tell an untrusted or mismatching certificate from
 * a server that is down: through the same proxy as main's other connections (`tunnel`, from the HTTP
 * client), so that behind a company proxy it reports the server, not the blocked direct route. It sends
 * nothing after the handshake.
 */
export async function probeTls(
  url: string,
  trust: TlsTrust,
  tunnel: HttpClient['tunnel'],
  timeoutMs = 5000,
): Promise<TlsProbeResult> {
  const target = new URL(url);
  if (target.protocol !== 'wss:' && target.protocol !== 'https:')
    return { outcome: 'tls-error', detail: 'not a TLS URL' };
  const host = target.hostname.replace(/^\[|\]$/g, '');
  const timeout = AbortSignal.timeout(timeoutMs);
  let socket: Duplex;
  try {
    socket = await tunnel(url, timeout);
  } catch (error) {
    if (timeout.aborted) return { outcome: 'timeout' };
    if (error instanceof ProxyError) return { outcome: 'unreachable', detail: `proxy ${error.reason}` };
    const cause = (error as { cause?: NodeJS.ErrnoException }).cause ?? (error as NodeJS.ErrnoException);
    return { outcome: classifyTlsError(cause), detail: cause.code ?? String(cause.message).slice(0, 200) };
  }
  return new Promise((resolve) => {
    const tls = connect({
      socket,
      servername: isIP(host) ? undefined : host,
      // Roots plus extra CAs, and the pins through the shared certificate decision.
      ...trustedTlsOptions(trust),
      ALPNProtocols: ['http/1.1'],
    });
    const finish = (result: TlsProbeResult) => {
      timeout.removeEventListener('abort', onTimeout);
      tls.destroy();
      socket.destroy();
      resolve(result);
    };
    const onTimeout = () => finish({ outcome: 'timeout' });
    if (timeout.aborted) return onTimeout();
    timeout.addEventListener('abort', onTimeout);
    tls.once('secureConnect', () => {
      const issuer = tls.getPeerX509Certificate()?.issuer.split('\n').join(', ');
      const protocol = tls.getProtocol();
      finish({
        outcome: 'ok',
        ...(protocol && { protocol }),
        ...(issuer && { issuer: issuer.slice(0, 512) }),
      });
    });
    tls.once('error', (error: NodeJS.ErrnoException) =>
      finish({ outcome: classifyTlsError(error), detail: error.code }),
    );
  });
}
