import type { ProviderStatusState } from '../../shared/domain/provider-status.js';
import { ServiceError } from '../../shared/ipc/errors.js';
import { ServiceStatus } from '../../shared/provider/api.js';
import { PROVIDER_API_PATHS } from '../../shared/provider/broker.js';
import { realTimers, type Timers } from '../auth/sign-in-service.js';
import type { HandlersFor } from '../ipc/router.js';
import { webPageUrl } from '../platform/navigation.js';

/** How often the status page is asked, plus up to `POLL_JITTER_MS` so that clients do not ask all at once. */
export const STATUS_POLL_INTERVAL_MS = 5 * 60_000;
export const POLL_JITTER_MS = 30_000;
/** A registration failure asks at once, but not more often than this (the phone retries every few seconds). */
export const REGISTRATION_FAILURE_GAP_MS = 60_000;
/** A status the endpoint has not confirmed for three intervals (it failed meanwhile) is no longer shown. */
export const STALE_AFTER_INTERVALS = 3;
export const STATUS_TIMEOUT_MS = 10_000;
export const MAX_STATUS_BYTES = 64 * 1024;

export interface ProviderStatusDeps {
  /** The provider API's base URL from policy; null: no provider, nothing is asked. */
  apiBaseUrl(): string | null;
  /** HTTPS to the provider API with the policy's trust (main's HTTP client, injected). */
  fetch: typeof globalThis.fetch;
  now(): number;
  timers?: Timers;
  /** In [0, 1): the share of `POLL_JITTER_MS` added to each wait. */
  random?(): number;
  /** How often to ask (default `STATUS_POLL_INTERVAL_MS`; the demo asks more often). */
  intervalMs?: number;
  onChange(state: ProviderStatusState): void;
  openExternal(url: string): Promise<void>;
}

export interface ProviderStatusUnit {
  handlers: HandlersFor<
    'providerStatus.get' | 'providerStatus.registrationFailed' | 'providerStatus.openPage'
  >;
  /** Asks at once, then every few minutes. */
  start(): void;
  /** The policy changed: if it names another provider, forget what the old one said and ask the new one. */
  policyChanged(): void;
  dispose(): void;
}

/** The body as text, or null once it passes `limit` bytes (a status page in brief is a few hundred). */
async function readLimited(response: Response, limit: number): Promise<string | null> {
  const reader = response.body?.getReader();
  if (!reader) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The provider's answer if it is a 200 with a status that validates; null for anything else. */
async function fetchStatus(deps: ProviderStatusDeps, baseUrl: string): Promise<ServiceStatus | null> {
  let url: URL;
  try {
    url = new URL(PROVIDER_API_PATHS.status, baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
  } catch {
    return null;
  }
  const response = await deps.fetch(url, {
    headers: { accept: 'application/json' },
    redirect: 'error',
    signal: AbortSignal.timeout(STATUS_TIMEOUT_MS),
  });
  if (response.status !== 200) {
    await response.body?.cancel();
    return null;
  }
  const text = await readLimited(response, MAX_STATUS_BYTES);
  if (text === null) return null;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return null;
  }
  const parsed = ServiceStatus.safeParse(json);
  return parsed.success ? parsed.data : null;
}

/**
 * The provider's status page, asked at start, every five minutes and at once after a registration failure.
 * An endpoint that fails, times out or answers nonsense is ignored quietly: the last valid answer stays until
 * it is stale. It owns what it knows alone and answers its own channels.
 */
export function createProviderStatus(deps: ProviderStatusDeps): ProviderStatusUnit {
  const timers = deps.timers ?? realTimers;
  const random = deps.random ?? Math.random;
  const intervalMs = deps.intervalMs ?? STATUS_POLL_INTERVAL_MS;
  let status: ServiceStatus | null = null;
  let confirmedAt = 0;
  let lastAskedAt = Number.NEGATIVE_INFINITY;
  let inFlight: Promise<void> | null = null;
  let timer: unknown = null;
  let timerDueAt = Number.POSITIVE_INFINITY;
  // The provider asked; another one in the policy starts a new generation, and answers to an older one are dropped.
  let provider = deps.apiBaseUrl();
  let generation = 0;
  let running = false;

  const publish = (next: ServiceStatus | null) => {
    if (JSON.stringify(next) === JSON.stringify(status)) return;
    status = next;
    deps.onChange({ status });
  };

  const schedule = (delayMs: number) => {
    if (!running) return;
    const dueAt = deps.now() + delayMs;
    if (timer !== null) timers.clear(timer);
    timerDueAt = dueAt;
    timer = timers.set(
      () => {
        timer = null;
        timerDueAt = Number.POSITIVE_INFINITY;
        void check();
      },
      Math.max(0, delayMs),
    );
  };

  const check = (): Promise<void> => {
    if (inFlight) return inFlight;
    const baseUrl = deps.apiBaseUrl();
    if (!running || baseUrl === null) return Promise.resolve();
    const asked = generation;
    lastAskedAt = deps.now();
    const asking = fetchStatus(deps, baseUrl)
      .catch(() => null)
      .then((answer) => {
        if (asked !== generation) return;
        inFlight = null;
        if (answer) {
          confirmedAt = deps.now();
          publish(answer);
        } else if (status !== null && deps.now() - confirmedAt >= STALE_AFTER_INTERVALS * intervalMs) {
          publish(null);
        }
        schedule(intervalMs + random() * Math.min(POLL_JITTER_MS, intervalMs / 10));
      });
    inFlight = asking;
    return asking;
  };

  return {
    handlers: {
      'providerStatus.get': () => ({ status }),
      'providerStatus.registrationFailed': () => {
        const earliest = lastAskedAt + REGISTRATION_FAILURE_GAP_MS;
        if (inFlight) return undefined;
        if (deps.now() >= earliest) void check();
        // Asked a moment ago: once the gap has passed, unless the regular check comes first.
        else if (earliest < timerDueAt) schedule(earliest - deps.now());
        return undefined;
      },
      'providerStatus.openPage': async () => {
        const url = status?.pageUrl;
        // The page's address comes from the provider's API (main fetched it), never from the window.
        if (!url || !webPageUrl(url))
          throw new ServiceError('not-available', 'the provider names no status page');
        await deps.openExternal(url);
        return undefined;
      },
    },
    start() {
      running = true;
      void check();
    },
    policyChanged() {
      if (deps.apiBaseUrl() === provider) return;
      provider = deps.apiBaseUrl();
      generation += 1;
      inFlight = null;
      lastAskedAt = Number.NEGATIVE_INFINITY;
      publish(null);
      void check();
    },
    dispose() {
      running = false;
      generation += 1;
      if (timer !== null) timers.clear(timer);
      timer = null;
    },
  };
}
