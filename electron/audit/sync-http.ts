import { createHttpClient, ProxyError, type TrustedFetch } from '../net/http-client.js';
import { envRoutes } from '../net/proxy-routes.js';
import { classifyTlsError } from '../net/tls-probe.js';
import type { TlsTrust } from '../net/tls-trust.js';
import { AuditTransportError, type AuditHttp } from './sync.js';

/** Responses larger than this are cut off (the API's answers are a few KiB). */
const MAX_RESPONSE_BYTES = 1024 * 1024;
const TLS_OUTCOMES = new Set(['untrusted', 'hostname-mismatch', 'expired', 'pin-mismatch']);

/** Reads a body up to `limit` bytes; more is a failure, not a truncated answer. */
async function boundedText(response: Response, limit: number): Promise<string> {
  const reader = response.body?.getReader();
  if (!reader) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      throw new AuditTransportError('network', 'response too large');
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The transport error for what the fetch below threw: a refused certificate, a proxy, or the network. */
function transportError(error: unknown, timedOut: boolean, timeoutMs: number): AuditTransportError {
  if (error instanceof AuditTransportError) return error;
  if (timedOut) return new AuditTransportError('timeout', `no answer in ${timeoutMs} ms`);
  let link = (error as { cause?: unknown } | null)?.cause;
  for (let depth = 0; depth < 4 && typeof link === 'object' && link !== null; depth += 1) {
    if (link instanceof ProxyError) return new AuditTransportError('network', `proxy ${link.reason}`);
    const outcome = classifyTlsError(link as NodeJS.ErrnoException);
    if (TLS_OUTCOMES.has(outcome))
      return new AuditTransportError('tls', `${outcome}: ${(link as NodeJS.ErrnoException).code ?? ''}`);
    if (outcome !== 'tls-error') return new AuditTransportError('network', outcome);
    link = (link as { cause?: unknown }).cause;
  }
  return new AuditTransportError('network', error instanceof Error ? error.message : String(error));
}

/**
 * The sync's HTTPS POST over main's HTTP client (electron/net/http-client.ts): the system's proxy, the
 * policy's CAs and pins. A redirect is answered as it came (the API does not redirect), a body larger
 * than 1 MiB and a request without an answer within `timeoutMs` fail.
 */
export function createAuditTransport(fetch: TrustedFetch): AuditHttp {
  return async ({ url, headers, body, timeoutMs, signal }) => {
    if (new URL(url).protocol !== 'https:')
      throw new AuditTransportError('tls', 'the provider API must be https://');
    const timeout = AbortSignal.timeout(timeoutMs);
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers,
        body,
        redirect: 'manual',
        signal: AbortSignal.any([signal, timeout]),
      });
      return {
        status: response.status,
        retryAfter: response.headers.get('retry-after'),
        body: await boundedText(response, MAX_RESPONSE_BYTES),
      };
    } catch (error) {
      throw transportError(error, timeout.aborted, timeoutMs);
    }
  };
}

/**
 * The transport with a client of its own, routed by the environment's proxy settings: for the audit
 * child program (testing/audit-sync-child.ts), the audit bench and tests. The app shares its one client instead.
 */
export function createHttpsAuditTransport(trust: () => TlsTrust): AuditHttp & { close(): void } {
  const client = createHttpClient({ trust, routes: envRoutes() });
  return Object.assign(createAuditTransport(client.fetch), {
    close() {
      void client.close();
    },
  });
}
