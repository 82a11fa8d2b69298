import type { AuditEvent } from '../../shared/audit/catalog.js';
import type { HandlersFor } from '../ipc/router.js';
import type { HttpClient } from './http-client.js';
import { probeTls } from './tls-probe.js';
import type { TlsTrust } from './tls-trust.js';

/**
 * `tls.probe`: main names why a WebSocket to the SIP edge failed, with Node's TLS and the app's trust,
 * through the proxy main's HTTP client uses (`tunnel`).
 */
export function tlsProbeHandler(deps: {
  trust(): TlsTrust;
  tunnel: HttpClient['tunnel'];
  record(event: AuditEvent): void;
}): HandlersFor<'tls.probe'> {
  return {
    'tls.probe': async ({ url }) => {
      const result = await probeTls(url, deps.trust(), deps.tunnel);
      const { outcome } = result;
      if (
        outcome === 'untrusted' ||
        outcome === 'hostname-mismatch' ||
        outcome === 'expired' ||
        outcome === 'pin-mismatch'
      )
        deps.record({
          type: 'tls.certificateRejected',
          details: { host: new URL(url).hostname, reason: outcome },
        });
      return result;
    },
  };
}
