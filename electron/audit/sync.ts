import { AuditBatchResponse } from '../../shared/provider/api.js';
import type { AuditEnvelope } from '../../shared/audit/catalog.js';
import { IDLE_AUDIT_SYNC, type AuditSyncError, type AuditSyncStatus } from '../../shared/audit/sync-state.js';
import type { AuditStore } from './audit-store.js';

/** What the sync needs of the store (electron/audit/audit-store.ts). */
export type AuditSyncStore = Pick<
  AuditStore,
  | 'deviceId'
  | 'undelivered'
  | 'undeliveredCount'
  | 'markDelivered'
  | 'purgeDelivered'
  | 'headSequence'
  | 'declareGap'
>;

export interface AuditHttpRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
  /** Aborted when the sync stops. */
  signal: AbortSignal;
}

export interface AuditHttpResponse {
  status: number;
  /** The `Retry-After` header as sent, or null. */
  retryAfter: string | null;
  body: string;
}

/** A failure before a response arrived: the request may or may not have been processed. */
export class AuditTransportError extends Error {
  constructor(
    readonly kind: 'network' | 'timeout' | 'tls',
    message: string,
  ) {
    super(message);
    this.name = 'AuditTransportError';
  }
}

/** One HTTPS POST; rejects with AuditTransportError when no response arrived (see sync-http.ts). */
export type AuditHttp = (request: AuditHttpRequest) => Promise<AuditHttpResponse>;

export interface AuditSyncClock {
  now(): number;
  /** Resolves after `ms`, or at once when `signal` is aborted (it never rejects). */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
  /** Calls `task` every `ms` until the returned function is called. */
  every(ms: number, task: () => void): () => void;
}

export const realClock: AuditSyncClock = {
  now: Date.now,
  sleep(ms, signal) {
    return new Promise((resolve) => {
      if (signal.aborted) return resolve();
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal.addEventListener('abort', done, { once: true });
    });
  },
  every(ms, task) {
    const timer = setInterval(task, ms);
    timer.unref?.();
    return () => clearInterval(timer);
  },
};

export interface AuditSyncOptions {
  /** The audit store while the database is open, else null. */
  store(): AuditSyncStore | null;
  /** The provider API's base URL from policy (`https://...`), or null when none is configured. */
  apiBaseUrl(): string | null;
  /** The current access token for the provider API, or null when signed out (the identity service). */
  accessToken(): Promise<string | null>;
  /** A fresh access token after the API refused the current one, or null when that is not possible. */
  refreshAccessToken(): Promise<string | null>;
  /** Days a delivered event is kept on the device (policy `auditRetentionDays`). */
  retentionDays(): number;
  http: AuditHttp;
  clock?: AuditSyncClock;
  /** In [0, 1): the jitter of the back-off (default Math.random). */
  random?(): number;
  /** At most this many events per request (default 500). */
  maxBatchEvents?: number;
  /** At most this many bytes of JSON per request body (default 256 KiB; one event always goes). */
  maxBatchBytes?: number;
  /** Back-off: the first retry waits up to `baseDelayMs`, doubling per attempt up to `maxDelayMs`. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** A `Retry-After` longer than this is cut to it (default 1 hour). */
  maxRetryAfterMs?: number;
  /** The periodic sync (default every 5 minutes). */
  intervalMs?: number;
  /** A new event is sent this long after it was recorded, with those recorded meanwhile (default 500 ms). */
  debounceMs?: number;
  requestTimeoutMs?: number;
  onStatus?(status: AuditSyncStatus): void;
}

export interface AuditSync {
  status(): AuditSyncStatus;
  /**
   * Starts a sync now (or cuts a running one's wait short) and resolves when that run ends: everything
   * delivered, or stopped for a reason retrying cannot fix (signed out, not configured, rejected).
   * While the provider fails, the run keeps retrying with back-off and the promise stays pending.
   */
  syncNow(): Promise<AuditSyncStatus>;
  /** The user signed in: sync now. */
  signedIn(): void;
  /** Events were recorded: a sync follows shortly (debounced), so that they reach the provider soon. */
  eventRecorded(): void;
  /** The network came back (or the computer woke up): a waiting retry goes at once. */
  networkReturned(): void;
  /** Starts the periodic sync (and one run now). */
  start(): void;
  /** Stops the timer and any run (an in-flight request is aborted; its batch stays undelivered). */
  stop(): Promise<void>;
}

const DAY = 24 * 60 * 60 * 1000;
const BODY_OVERHEAD = '{"events":[]}'.length;
const textBytes = (text: string) => new TextEncoder().encode(text).length;

/**
 * The `Idempotency-Key` of a batch: named by its first and last event ids. A batch is a contiguous run of
 * one device's chain, so the same key always means the same events, across retries and restarts.
 */
export function idempotencyKey(batch: readonly Pick<AuditEnvelope, 'id'>[]): string {
  if (batch.length === 0) throw new Error('an empty batch has no key');
  return `audit-${batch[0]!.id}-${batch[batch.length - 1]!.id}`;
}

/** The oldest undelivered events that fit the caps, in order; at least one when any is pending. */
export function takeBatch(
  candidates: readonly AuditEnvelope[],
  maxEvents: number,
  maxBytes: number,
): { events: AuditEnvelope[]; body: string } {
  const parts: string[] = [];
  let bytes = BODY_OVERHEAD;
  for (const event of candidates.slice(0, Math.max(1, maxEvents))) {
    const json = JSON.stringify(event);
    const size = textBytes(json) + (parts.length > 0 ? 1 : 0);
    if (parts.length > 0 && bytes + size > maxBytes) break;
    parts.push(json);
    bytes += size;
  }
  return { events: candidates.slice(0, parts.length), body: `{"events":[${parts.join(',')}]}` };
}

/**
 * "Full jitter" exponential back-off (AWS Architecture Blog, "Exponential Backoff And Jitter"): a random
 * wait between 0 and min(max, base * 2^attempt). `attempt` counts the failures before this one.
 * (p-retry 9 and exponential-backoff 3.1 were considered: neither takes an injected clock and random, nor a
 * delay the server names in `Retry-After`, which decides the wait here as often as the back-off does.)
 */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number, random: number): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 30));
  return Math.floor(random * ceiling);
}

/** `Retry-After` (RFC 9110 section 10.2.3): delay-seconds or an HTTP-date; null when it is neither. */
export function parseRetryAfter(value: string | null, now: number): number | null {
  if (value === null) return null;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // An HTTP-date (IMF-fixdate, or the obsolete forms Date.parse also reads).
  if (!/[A-Za-z]/.test(text)) return null;
  const at = Date.parse(text);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

type Attempt =
  | { kind: 'delivered'; count: number }
  | { kind: 'retry'; error: AuditSyncError; retryAfterMs: number | null }
  | { kind: 'refresh' }
  | { kind: 'shrink' }
  /** The provider's high-water mark showed a gap; the link that declares it goes next. */
  | { kind: 'gap' }
  | { kind: 'stop'; state: AuditSyncStatus['state']; error: AuditSyncError | null };

/** A 409 for a link that does not continue the device's chain: the sequence the provider expected. */
function expectedByProvider(body: string): number | null {
  try {
    const parsed = JSON.parse(body) as { error?: unknown; expected?: unknown };
    return parsed.error === 'chain-gap' && Number.isSafeInteger(parsed.expected)
      ? Number(parsed.expected)
      : null;
  } catch {
    return null;
  }
}

/**
 * Compares the log with what the provider holds of this device (its high-water mark): links the provider
 * has beyond the log's newest were lost here (rolled back or wiped); links the provider expects before the
 * oldest undelivered one were deleted here. Either becomes a declared gap, sent first; null when none.
 */
function gapAgainstProvider(
  store: AuditSyncStore,
  batch: readonly AuditEnvelope[],
  providerHead: number | null,
  expected: number | null,
): Attempt | null {
  const local = store.headSequence();
  if (providerHead !== null && providerHead > local) {
    const declared = store.declareGap({
      problem: 'rolled-back',
      detectedBy: 'provider',
      missingFrom: local + 1,
      missingTo: providerHead,
    });
    return declared ? { kind: 'gap' } : null;
  }
  const first = batch.find((event) => event.type !== 'audit.gapDetected');
  if (expected !== null && first && first.seq > expected) {
    const declared = store.declareGap({
      problem: 'missing',
      detectedBy: 'provider',
      missingFrom: expected,
      missingTo: first.seq - 1,
    });
    return declared ? { kind: 'gap' } : null;
  }
  return null;
}

/**
 * Delivers the audit log to the provider (`POST /v1/audit-events`): the oldest undelivered events in
 * batches within the size and byte caps, each with an `Idempotency-Key` that stays the same for every retry
 * of that batch. An event is marked delivered only when a 2xx response names it (as accepted or as a
 * duplicate). Failures are retried with exponential back-off and full jitter; `Retry-After` (seconds or
 * an HTTP date) is honoured; a 401 leads to one token refresh and an immediate retry. Runs start on
 * sign-in, when the network returns and on a timer. Delivered events older than the retention are purged
 * after a run; undelivered ones never are (the store refuses to).
 */
export function createAuditSync(options: AuditSyncOptions): AuditSync {
  const clock = options.clock ?? realClock;
  const random = options.random ?? Math.random;
  const maxEvents = options.maxBatchEvents ?? 500;
  const maxBytes = options.maxBatchBytes ?? 256 * 1024;
  const baseDelay = options.baseDelayMs ?? 1000;
  const maxDelay = options.maxDelayMs ?? 5 * 60_000;
  const maxRetryAfter = options.maxRetryAfterMs ?? 60 * 60_000;
  const intervalMs = options.intervalMs ?? 5 * 60_000;
  const timeoutMs = options.requestTimeoutMs ?? 30_000;
  const debounceMs = options.debounceMs ?? 500;
  let soon: Promise<void> | null = null;

  let status: AuditSyncStatus = IDLE_AUDIT_SYNC;
  let running: Promise<AuditSyncStatus> | null = null;
  let again = false;
  let stopped = false;
  let stopTimer: (() => void) | null = null;
  let wake = new AbortController();
  const lifetime = new AbortController();

  const pendingCount = () => {
    try {
      return options.store()?.undeliveredCount() ?? status.pending;
    } catch {
      return status.pending;
    }
  };
  const update = (patch: Partial<AuditSyncStatus>) => {
    const next = { ...status, ...patch, pending: pendingCount() };
    if (JSON.stringify(next) === JSON.stringify(status)) return;
    status = next;
    options.onStatus?.(status);
  };

  async function send(
    store: AuditSyncStore,
    base: string,
    batch: AuditEnvelope[],
    body: string,
    token: string,
  ) {
    const response = await options.http({
      url: `${base.replace(/\/+$/, '')}/v1/audit-events`,
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        accept: 'application/json',
        'idempotency-key': idempotencyKey(batch),
      },
      body,
      timeoutMs,
      signal: lifetime.signal,
    });
    return interpret(store, batch, response);
  }

  function interpret(store: AuditSyncStore, batch: AuditEnvelope[], response: AuditHttpResponse): Attempt {
    const { status: code } = response;
    if (code >= 200 && code < 300) {
      let named: Set<string>;
      let providerHead: number | null;
      try {
        const parsed = AuditBatchResponse.parse(JSON.parse(response.body));
        named = new Set([...parsed.accepted, ...parsed.duplicates]);
        providerHead = parsed.head?.sequence ?? null;
      } catch {
        return { kind: 'retry', error: 'invalid-response', retryAfterMs: null };
      }
      const delivered = batch.filter((event) => named.has(event.id)).map((event) => event.id);
      if (delivered.length > 0) {
        store.markDelivered(delivered, clock.now());
        update({ lastDeliveredAt: clock.now() });
      }
      const gap = gapAgainstProvider(store, batch, providerHead, null);
      if (gap) return gap;
      // A 2xx that does not name every event leaves the others undelivered, to be sent again.
      return delivered.length === batch.length
        ? { kind: 'delivered', count: delivered.length }
        : { kind: 'retry', error: 'invalid-response', retryAfterMs: null };
    }
    if (code === 401) return { kind: 'refresh' };
    if (code === 413)
      return batch.length > 1 ? { kind: 'shrink' } : { kind: 'stop', state: 'idle', error: 'rejected' };
    const retryAfterMs = parseRetryAfter(response.retryAfter, clock.now());
    if (code === 429) return { kind: 'retry', error: 'throttled', retryAfterMs };
    if (code === 408 || code >= 500) return { kind: 'retry', error: 'server', retryAfterMs };
    if (code === 409) {
      const gap = gapAgainstProvider(store, batch, null, expectedByProvider(response.body));
      if (gap) return gap;
    }
    // Anything else (400, 403, 409, 422, ...) will not change by sending it again now: the timer retries.
    return { kind: 'stop', state: 'idle', error: 'rejected' };
  }

  async function runOnce(): Promise<AuditSyncStatus> {
    let failures = 0;
    let refreshed = false;
    let cap = maxEvents;
    // The token a refresh returned goes with the next request (the source may not have stored it yet).
    let fresh: string | null = null;
    for (;;) {
      if (stopped) return status;
      const store = options.store();
      if (!store) {
        update({ state: 'unavailable', nextAttemptAt: null });
        return status;
      }
      const base = options.apiBaseUrl();
      if (base === null) {
        update({ state: 'not-configured', nextAttemptAt: null });
        return status;
      }
      const { events: batch, body } = takeBatch(store.undelivered(cap), cap, maxBytes);
      if (batch.length === 0) {
        purge(store);
        update({ state: 'idle', nextAttemptAt: null });
        return status;
      }
      const token = fresh ?? (await options.accessToken());
      fresh = null;
      if (token === null) {
        update({ state: 'signed-out', nextAttemptAt: null });
        return status;
      }
      update({ state: 'syncing', nextAttemptAt: null });
      let attempt: Attempt;
      try {
        attempt = await send(store, base, batch, body, token);
      } catch (error) {
        if (stopped) return status;
        attempt = {
          kind: 'retry',
          error: error instanceof AuditTransportError ? error.kind : 'network',
          retryAfterMs: null,
        };
      }
      // Only a 401 right after a refresh means the fresh token is refused too.
      if (attempt.kind !== 'refresh') refreshed = false;
      switch (attempt.kind) {
        case 'delivered':
          failures = 0;
          update({ lastError: null, lastErrorAt: null });
          continue;
        case 'shrink':
          cap = Math.max(1, Math.floor(batch.length / 2));
          continue;
        case 'gap':
          continue;
        case 'refresh': {
          // A second 401, or no token after the refresh: signed out until the next sign-in.
          if (!refreshed) {
            refreshed = true;
            fresh = await options.refreshAccessToken().catch(() => null);
            if (fresh !== null) continue;
          }
          update({
            state: 'signed-out',
            lastError: 'unauthorized',
            lastErrorAt: clock.now(),
            nextAttemptAt: null,
          });
          return status;
        }
        case 'stop':
          update({
            state: attempt.state,
            lastError: attempt.error,
            lastErrorAt: clock.now(),
            nextAttemptAt: null,
          });
          return status;
        case 'retry': {
          const delay =
            attempt.retryAfterMs !== null
              ? Math.min(attempt.retryAfterMs, maxRetryAfter)
              : backoffDelay(failures, baseDelay, maxDelay, random());
          failures += 1;
          update({
            state: 'waiting',
            lastError: attempt.error,
            lastErrorAt: clock.now(),
            nextAttemptAt: clock.now() + delay,
          });
          const signal = wake.signal;
          await clock.sleep(delay, signal);
          if (signal.aborted) {
            // Woken by the network's return or by "Sync now": a fresh start.
            wake = new AbortController();
            failures = 0;
          }
          continue;
        }
      }
    }
  }

  function purge(store: AuditSyncStore): void {
    const days = options.retentionDays();
    store.purgeDelivered(clock.now() - days * DAY);
  }

  function trigger(cutWaitShort: boolean): Promise<AuditSyncStatus> {
    if (stopped) return Promise.resolve({ ...status, pending: pendingCount() });
    if (running) {
      if (cutWaitShort) wake.abort();
      // A trigger during a run that is about to end starts another one after it.
      again = true;
      return running;
    }
    const run = (async () => {
      let result: AuditSyncStatus;
      do {
        again = false;
        result = await runOnce();
      } while (again && !stopped && result.state === 'idle' && result.pending > 0);
      return result;
    })();
    running = run.finally(() => {
      running = null;
    });
    return running;
  }

  const fireAndForget = (cutWaitShort: boolean) => {
    // runOnce reports every failure through the status; nothing reaches here but a bug in a store.
    trigger(cutWaitShort).catch(() => update({ state: 'unavailable', nextAttemptAt: null }));
  };

  return {
    status: () => ({ ...status, pending: pendingCount() }),
    syncNow: () => trigger(true),
    signedIn: () => fireAndForget(true),
    eventRecorded() {
      if (stopped || soon) return;
      // Not a wake-up: a back-off wait for a failing provider is not cut short by new events.
      soon = clock.sleep(debounceMs, lifetime.signal).then(() => {
        soon = null;
        if (!stopped) fireAndForget(false);
      });
    },
    networkReturned: () => fireAndForget(true),
    start() {
      if (stopped || stopTimer) return;
      stopTimer = clock.every(intervalMs, () => fireAndForget(false));
      fireAndForget(false);
    },
    async stop() {
      stopped = true;
      stopTimer?.();
      stopTimer = null;
      wake.abort();
      lifetime.abort();
      await running?.catch(() => undefined);
    },
  };
}
