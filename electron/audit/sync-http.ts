import { Agent, request } from 'node:https';
import { CertificateRejectedError } from '../net/certificate-decision.js';
import { classifyTlsError } from '../net/tls-probe.js';
import type { TlsTrust } from '../net/tls-trust.js';
import { trustedTlsOptions } from '../net/trusted-connection.js';
import { AuditTransportError, type AuditHttp } from './sync.js';

/** Responses larger than this are cut off (the API's answers are a few KiB). */
const MAX_RESPONSE_BYTES = 1024 * 1024;

/**
 * The sync's HTTPS POST with the app's TLS trust (policy): the system roots plus the policy's extra CAs,
 * and the policy's SPKI pins checked on every new connection. Connections are kept alive between batches;
 * a change of trust starts a new pool.
 */
export function createHttpsAuditTransport(trust: () => TlsTrust): AuditHttp & { close(): void } {
  let pool: { key: string; agent: Agent } | null = null;
  const agentFor = (current: TlsTrust): Agent => {
    const key = JSON.stringify(current);
    if (pool?.key === key) return pool.agent;
    pool?.agent.destroy();
    // System roots plus the policy's extra CAs; host name and pins checked by the shared decision.
    const agent = new Agent({
      keepAlive: true,
      maxSockets: 2,
      minVersion: 'TLSv1.2',
      ...trustedTlsOptions(current),
    });
    pool = { key, agent };
    return agent;
  };

  const post: AuditHttp = ({ url, headers, body, timeoutMs, signal }) =>
    new Promise((resolve, reject) => {
      const target = new URL(url);
      if (target.protocol !== 'https:') {
        reject(new AuditTransportError('tls', 'the provider API must be https://'));
        return;
      }
      const payload = Buffer.from(body, 'utf8');
      const req = request(target, {
        method: 'POST',
        agent: agentFor(trust()),
        headers: { ...headers, 'content-length': String(payload.length) },
        signal,
      });
      let settled = false;
      const fail = (error: AuditTransportError) => {
        if (settled) return;
        settled = true;
        req.destroy();
        reject(error);
      };
      req.setTimeout(timeoutMs, () =>
        fail(new AuditTransportError('timeout', `no answer in ${timeoutMs} ms`)),
      );
      req.on('error', (error: NodeJS.ErrnoException) => {
        const outcome = error instanceof CertificateRejectedError ? error.reason : classifyTlsError(error);
        const tls = ['untrusted', 'hostname-mismatch', 'expired', 'pin-mismatch'].includes(outcome);
        fail(new AuditTransportError(tls ? 'tls' : 'network', `${outcome}: ${error.code ?? error.message}`));
      });
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_RESPONSE_BYTES) {
            fail(new AuditTransportError('network', 'response too large'));
            return;
          }
          chunks.push(chunk);
        });
        res.on('error', () => fail(new AuditTransportError('network', 'response cut off')));
        res.on('aborted', () => fail(new AuditTransportError('network', 'response cut off')));
        res.on('end', () => {
          if (settled) return;
          settled = true;
          const retryAfter = res.headers['retry-after'];
          resolve({
            status: res.statusCode ?? 0,
            retryAfter: typeof retryAfter === 'string' ? retryAfter : null,
            body: Buffer.concat(chunks).toString('utf8'),
          });
        });
      });
      req.end(payload);
    });

  return Object.assign(post, {
    close() {
      pool?.agent.destroy();
      pool = null;
    },
  });
}
