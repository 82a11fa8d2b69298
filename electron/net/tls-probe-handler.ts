import type { TlsProbeResult } from '../../shared/domain/sip-account.js';
import { ServiceError } from '../../shared/ipc/errors.js';
import type { HandlersFor } from '../ipc/router.js';
import { wssOriginOf } from '../platform/csp.js';
import type { TlsTrust } from './tls-trust.js';

const MINUTE = 60_000;
/** Probes of one SIP edge this close together get the last answer again. */
export const PROBE_REUSE_MS = 5000;
/** At most this many probes a minute leave the computer, whatever the window asks. */
export const PROBES_PER_MINUTE = 12;

export interface TlsProbeDeps {
  trust(): TlsTrust;
  /** The SIP edges the app may connect to (electron/net/connect-policy.ts): the only ones it probes. */
  allowedOrigins(): readonly string[];
  /** A certificate the probe refused (the caller records it, deduplicated). */
  certificateRejected(host: string, reason: CertificateRejection): void;
  now(): number;
  /**
   * The TLS handshake itself: `probeTls` through main's HTTP client's `tunnel`, so that it takes the proxy
   * in force (tests pass a counting one).
   */
  probe(url: string, trust: TlsTrust): Promise<TlsProbeResult>;
}

export type CertificateRejection = 'untrusted' | 'hostname-mismatch' | 'expired' | 'pin-mismatch';

function isRejection(outcome: TlsProbeResult['outcome']): outcome is CertificateRejection {
  return (
    outcome === 'untrusted' ||
    outcome === 'hostname-mismatch' ||
    outcome === 'expired' ||
    outcome === 'pin-mismatch'
  );
}

/**
 * Main's TLS probe of the SIP edge: why a WebSocket failed (`tls.probe`), and what the Security screen says
 * about the connection, with Node's TLS and the app's trust, through the proxy main's HTTP client uses
 * (`tunnel`). Only for the provider's edge and the account's (never a port scanner for the window), a few
 * a minute.
 */
export function createTlsProber(deps: TlsProbeDeps) {
  const recent: number[] = [];
  const last = new Map<string, { at: number; result: TlsProbeResult }>();
  const checked = async (url: string): Promise<TlsProbeResult> => {
    const origin = wssOriginOf(url);
    if (origin === null || !deps.allowedOrigins().includes(origin))
      throw new ServiceError('refused', 'only the SIP server of the account in use can be checked');
    const now = deps.now();
    const earlier = last.get(origin);
    if (earlier && now - earlier.at < PROBE_REUSE_MS) return earlier.result;
    while (recent.length > 0 && recent[0]! <= now - MINUTE) recent.shift();
    if (recent.length >= PROBES_PER_MINUTE)
      throw new ServiceError('refused', 'too many checks of the SIP server; try again in a minute');
    recent.push(now);
    const result = await deps.probe(url, deps.trust());
    last.set(origin, { at: deps.now(), result });
    if (isRejection(result.outcome)) deps.certificateRejected(new URL(url).hostname, result.outcome);
    return result;
  };
  return {
    probe: checked,
    handlers: { 'tls.probe': ({ url }) => checked(url) } satisfies HandlersFor<'tls.probe'>,
  };
}
