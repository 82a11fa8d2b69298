import { describe, expect, it } from 'vitest';
import type { ProviderStatusState } from '../../shared/domain/provider-status.js';
import type { ServiceStatus } from '../../shared/provider/api.js';
import type { Timers } from '../auth/sign-in-service.js';
import {
  createProviderStatus,
  MAX_STATUS_BYTES,
  POLL_JITTER_MS,
  REGISTRATION_FAILURE_GAP_MS,
  STALE_AFTER_INTERVALS,
  STATUS_POLL_INTERVAL_MS,
  type ProviderStatusDeps,
} from './provider-status.js';

const BASE = 'https://api.provider.example';

const incident: ServiceStatus = {
  status: 'degraded',
  incidents: [
    {
      id: 'i1',
      title: 'Calls to mobile networks fail',
      status: 'identified',
      startedAt: '2026-12-06T09:00:00Z',
    },
  ],
  maintenance: [],
  pageUrl: 'https://status.provider.example/',
};
const operational: ServiceStatus = { status: 'operational', incidents: [], maintenance: [] };

type Answer = Response | Error | Promise<Response>;

/** Main's surroundings by hand: a clock, timers that fire when the test says, and a provider that answers as told. */
function harness(options: { apiBaseUrl?: string | null } = {}) {
  let now = Date.parse('2026-12-06T10:00:00Z');
  const pending = new Map<number, { at: number; callback: () => void }>();
  let nextHandle = 0;
  const timers = {
    set(callback, ms) {
      nextHandle += 1;
      pending.set(nextHandle, { at: now + ms, callback });
      return nextHandle;
    },
    clear: (handle) => void pending.delete(handle as number),
  } satisfies Timers;
  const answers: Answer[] = [];
  const requests: { url: string; init: RequestInit | undefined }[] = [];
  const fetch: typeof globalThis.fetch = async (input, init) => {
    requests.push({ url: String(input), init });
    const answer = answers.shift() ?? new Error('no answer prepared');
    if (answer instanceof Error) throw answer;
    return answer;
  };
  const changes: ProviderStatusState[] = [];
  const opened: string[] = [];
  let baseUrl = options.apiBaseUrl === undefined ? BASE : options.apiBaseUrl;
  const deps = {
    apiBaseUrl: () => baseUrl,
    fetch,
    now: () => now,
    timers,
    random: () => 0.5,
    onChange: (state) => void changes.push(state),
    openExternal: async (url) => void opened.push(url),
  } satisfies ProviderStatusDeps;
  const unit = createProviderStatus(deps);
  return {
    unit,
    answers,
    requests,
    changes,
    opened,
    setBaseUrl: (url: string | null) => (baseUrl = url),
    /** Moves the clock on and fires the timers that came due. */
    async advance(ms: number) {
      now += ms;
      for (const [handle, { at, callback }] of [...pending])
        if (at <= now) {
          pending.delete(handle);
          callback();
        }
      await settled();
    },
    nextTimerIn: () => Math.min(...[...pending.values()].map(({ at }) => at - now)),
  };
}

/** Lets the unit's promise chains run (they wait on nothing but the answers already prepared). */
const settled = () => new Promise((resolve) => setTimeout(resolve, 0));

const json = (body: unknown, status = 200) =>
  new Response(typeof body === 'string' ? body : JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json' },
  });

describe('the provider status page', () => {
  it('asks GET /v1/status at start, shows a valid answer and asks again after five minutes and a bit', async () => {
    const h = harness();
    h.answers.push(json(incident));
    h.unit.start();
    await settled();
    expect(h.requests).toHaveLength(1);
    expect(h.requests[0]!.url).toBe(`${BASE}/v1/status`);
    expect(h.requests[0]!.init).toMatchObject({ headers: { accept: 'application/json' }, redirect: 'error' });
    expect(h.changes).toEqual([{ status: incident }]);
    expect(await h.unit.handlers['providerStatus.get'](undefined)).toEqual({ status: incident });
    expect(h.nextTimerIn()).toBe(STATUS_POLL_INTERVAL_MS + POLL_JITTER_MS / 2);

    h.answers.push(json(operational));
    await h.advance(STATUS_POLL_INTERVAL_MS + POLL_JITTER_MS / 2);
    expect(h.requests).toHaveLength(2);
    expect(h.changes.at(-1)).toEqual({ status: operational });
  });

  it('tells the window only when the status changed', async () => {
    const h = harness();
    h.answers.push(json(incident), json(incident));
    h.unit.start();
    await settled();
    await h.advance(STATUS_POLL_INTERVAL_MS + POLL_JITTER_MS);
    expect(h.requests).toHaveLength(2);
    expect(h.changes).toEqual([{ status: incident }]);
  });

  const nonsense: [string, Answer][] = [
    ['a server error', json({ error: 'down' }, 500)],
    ['a missing page', new Response('not found', { status: 404 })],
    ['a redirect refused', new TypeError('fetch failed: unexpected redirect')],
    ['a network failure', new TypeError('fetch failed')],
    ['a timeout', new DOMException('The operation was aborted due to timeout', 'TimeoutError')],
    ['HTML', new Response('<html><body>We are down</body></html>', { status: 200 })],
    ['an empty body', new Response(null, { status: 200 })],
    ['JSON of another shape', json({ status: 'green', incidents: 'none' })],
    [
      'a status page link that is not https',
      json({ ...incident, pageUrl: 'http://status.provider.example/' }),
    ],
    ['an answer larger than 64 KiB', json({ ...operational, padding: 'x'.repeat(MAX_STATUS_BYTES) })],
  ];
  it.each(nonsense)('ignores %s quietly and keeps what it knew', async (_name, answer) => {
    const h = harness();
    h.answers.push(json(incident), answer);
    h.unit.start();
    await settled();
    await h.advance(STATUS_POLL_INTERVAL_MS + POLL_JITTER_MS);
    expect(h.requests).toHaveLength(2);
    expect(h.changes).toEqual([{ status: incident }]);
    expect(await h.unit.handlers['providerStatus.get'](undefined)).toEqual({ status: incident });
    // It keeps asking.
    expect(h.nextTimerIn()).toBe(STATUS_POLL_INTERVAL_MS + POLL_JITTER_MS / 2);
  });

  it('forgets a status the endpoint has not confirmed for fifteen minutes', async () => {
    const h = harness();
    h.answers.push(json(incident));
    h.unit.start();
    await settled();
    let waited = 0;
    while (waited < STALE_AFTER_INTERVALS * STATUS_POLL_INTERVAL_MS) {
      h.answers.push(json('nonsense'));
      await h.advance(STATUS_POLL_INTERVAL_MS + POLL_JITTER_MS / 2);
      waited += STATUS_POLL_INTERVAL_MS + POLL_JITTER_MS / 2;
    }
    expect(h.changes).toEqual([{ status: incident }, { status: null }]);
  });

  it('asks at once after a registration failure, at most once a minute', async () => {
    const h = harness();
    h.answers.push(json(operational));
    h.unit.start();
    await settled();
    await h.advance(REGISTRATION_FAILURE_GAP_MS);
    h.answers.push(json(incident));
    h.unit.handlers['providerStatus.registrationFailed'](undefined);
    await settled();
    expect(h.requests).toHaveLength(2);
    expect(h.changes.at(-1)).toEqual({ status: incident });

    // The phone fails again seconds later: one more question, once the minute is over.
    await h.advance(5_000);
    h.unit.handlers['providerStatus.registrationFailed'](undefined);
    h.unit.handlers['providerStatus.registrationFailed'](undefined);
    await settled();
    expect(h.requests).toHaveLength(2);
    expect(h.nextTimerIn()).toBe(REGISTRATION_FAILURE_GAP_MS - 5_000);
    h.answers.push(json(operational));
    await h.advance(REGISTRATION_FAILURE_GAP_MS - 5_000);
    expect(h.requests).toHaveLength(3);
    expect(h.changes.at(-1)).toEqual({ status: operational });
  });

  it('asks nothing without a provider in the policy', async () => {
    const h = harness({ apiBaseUrl: null });
    h.unit.start();
    h.unit.handlers['providerStatus.registrationFailed'](undefined);
    await settled();
    expect(h.requests).toHaveLength(0);
    expect(await h.unit.handlers['providerStatus.get'](undefined)).toEqual({ status: null });
  });

  it('forgets the old provider when the policy names another, and drops its late answer', async () => {
    const h = harness();
    h.answers.push(json(operational));
    h.unit.start();
    await settled();
    // The next question to the old provider is still open when the policy changes.
    let answerLate: (response: Response) => void = () => {};
    h.answers.push(new Promise<Response>((resolve) => (answerLate = resolve)));
    await h.advance(STATUS_POLL_INTERVAL_MS + POLL_JITTER_MS);
    expect(h.requests).toHaveLength(2);

    // Another key of the policy changed: nothing to forget.
    h.unit.policyChanged();
    await settled();
    expect(h.requests).toHaveLength(2);
    h.setBaseUrl('https://api.other.example');
    h.answers.push(json(operational));
    h.unit.policyChanged();
    await settled();
    answerLate(json(incident));
    await settled();
    expect(h.requests.at(-1)!.url).toBe('https://api.other.example/v1/status');
    expect(h.changes).toEqual([{ status: operational }, { status: null }, { status: operational }]);
  });

  it('opens the status page the provider named, and nothing else', async () => {
    const h = harness();
    await expect(h.unit.handlers['providerStatus.openPage'](undefined)).rejects.toMatchObject({
      code: 'not-available',
    });
    h.answers.push(json(incident));
    h.unit.start();
    await settled();
    await h.unit.handlers['providerStatus.openPage'](undefined);
    expect(h.opened).toEqual(['https://status.provider.example/']);
  });

  it('stops asking once disposed', async () => {
    const h = harness();
    h.answers.push(json(operational));
    h.unit.start();
    await settled();
    h.unit.dispose();
    await h.advance(10 * STATUS_POLL_INTERVAL_MS);
    expect(h.requests).toHaveLength(1);
  });
});
