import type { AuditEvent } from '../../shared/audit/catalog.js';
import type { CertificateRejection } from './tls-probe-handler.js';

/** The same refusal of the same host is recorded once in this time. */
export const REJECTION_DEDUP_MS = 60 * 60_000;

/**
 * Records `tls.certificateRejected` for a host and reason once an hour: a reconnecting phone (and
 * Chromium's own verifier) meet the same refused certificate again and again, and the log is no place
 * for that; another reason or host is recorded at once.
 */
export function createRejectionRecorder(deps: { record(event: AuditEvent): void; now(): number }) {
  const recorded = new Map<string, number>();
  return (host: string, reason: CertificateRejection): void => {
    const key = `${reason} ${host.toLowerCase()}`;
    const now = deps.now();
    const at = recorded.get(key);
    if (at !== undefined && now - at < REJECTION_DEDUP_MS) return;
    for (const [other, when] of recorded) if (now - when >= REJECTION_DEDUP_MS) recorded.delete(other);
    recorded.set(key, now);
    deps.record({ type: 'tls.certificateRejected', details: { host, reason } });
  };
}
