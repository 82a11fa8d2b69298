import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { v7 as uuidv7 } from 'uuid';
import { afterEach, describe, expect, it } from 'vitest';
import type { AuditEnvelope } from '../../shared/audit/catalog.js';
import { createMemorySecretStore } from '../../testing/memory-secret-store.js';
import { openEncryptedDatabase, type SqlDatabase } from '../storage/database.js';
import { openAuditStore } from './audit-store.js';
import {
  AuditTransportError,
  backoffDelay,
  createAuditSync,
  idempotencyKey,
  parseRetryAfter,
  takeBatch,
  type AuditHttpRequest,
  type AuditHttpResponse,
  type AuditSyncClock,
  type AuditSyncOptions,
  type AuditSyncStore,
} from './sync.js';

const T0 = Date.UTC(2026, 10, 25, 12, 0, 0);
const DAY = 24 * 60 * 60 * 1000;

/** A clock whose sleeps return at once and move time on; every wait is recorded. */
function fakeClock(): AuditSyncClock & { time: number; sleeps: number[]; tick(): void } {
  const tasks: (() => void)[] = [];
  const clock = {
    time: T0,
    sleeps: [] as number[],
    now: () => clock.time,
    async sleep(ms: number) {
      clock.sleeps.push(ms);
      clock.time += ms;
    },
    every(_ms: number, task: () => void) {
      tasks.push(task);
      return () => tasks.splice(tasks.indexOf(task), 1);
    },
    tick: () => tasks.forEach((task) => task()),
  };
  return clock;
}

function envelope(seq: number, at = T0 - 1000 + seq, details: Record<string, string> = {}): AuditEnvelope {
  return {
    v: 1,
    id: uuidv7({ msecs: at, seq }),
    seq,
    time: new Date(at).toISOString(),
    deviceId: 'device-1',
    user: 'user-1',
    appVersion: '1.0.0',
    type: 'session.locked',
    details: { reason: 'idle', ...details },
    prevHash: '0'.repeat(64),
    hash: 'a'.repeat(64),
    hmac: 'b'.repeat(64),
  };
}

/** The store's delivery bookkeeping in memory, with the real store's purge rule. */
function fakeStore(count: number): AuditSyncStore & {
  events: AuditEnvelope[];
  delivered: Map<string, number>;
  add(n: number): void;
} {
  const events: AuditEnvelope[] = [];
  const delivered = new Map<string, number>();
  const store = {
    deviceId: 'device-1',
    events,
    delivered,
    add(n: number) {
      const next = (events.at(-1)?.seq ?? 0) + 1;
      for (let i = 0; i < n; i += 1) events.push(envelope(next + i));
    },
    undelivered: (limit: number) => events.filter((event) => !delivered.has(event.id)).slice(0, limit),
    undeliveredCount: () => events.filter((event) => !delivered.has(event.id)).length,
    markDelivered(ids: readonly string[], at: number) {
      let changed = 0;
      for (const id of ids)
        if (!delivered.has(id) && events.some((event) => event.id === id)) {
          delivered.set(id, at);
          changed += 1;
        }
      return changed;
    },
    headSequence: () => events.at(-1)?.seq ?? 0,
    // Gaps against the provider are tested with the real store and the provider's endpoint.
    declareGap: () => null,
    purgeDelivered(cutoff: number) {
      let removed = 0;
      while (events[0] && delivered.has(events[0].id) && Date.parse(events[0].time) < cutoff) {
        events.shift();
        removed += 1;
      }
      return removed;
    },
  };
  store.add(count);
  return store;
}

type Responder = (request: AuditHttpRequest, index: number) => AuditHttpResponse | Error;

/** A provider that names every event of a batch as accepted, unless the responder says otherwise. */
function fakeHttp(responder: Responder = () => ok()) {
  const requests: (AuditHttpRequest & { ids: string[] })[] = [];
  const http = async (request: AuditHttpRequest): Promise<AuditHttpResponse> => {
    const ids = (JSON.parse(request.body) as { events: AuditEnvelope[] }).events.map((event) => event.id);
    requests.push({ ...request, ids });
    const answer = responder(request, requests.length - 1);
    if (answer instanceof Error) throw answer;
    if (answer.status === 200 && answer.body === '') return { ...answer, body: accept(ids) };
    return answer;
  };
  return { http, requests };
}

const ok = (): AuditHttpResponse => ({ status: 200, retryAfter: null, body: '' });
const accept = (ids: string[], duplicates: string[] = []) => JSON.stringify({ accepted: ids, duplicates });
const status = (code: number, retryAfter: string | null = null): AuditHttpResponse => ({
  status: code,
  retryAfter,
  body: '{"error":"x"}',
});

let stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of stops) await stop();
  stops = [];
});

function sync(overrides: Partial<AuditSyncOptions> & Pick<AuditSyncOptions, 'store' | 'http'>) {
  const created = createAuditSync({
    apiBaseUrl: () => 'https://api.example.test/',
    accessToken: async () => 'token-1',
    refreshAccessToken: async () => 'token-2',
    retentionDays: () => 90,
    random: () => 0.5,
    ...overrides,
  });
  stops.push(() => created.stop());
  return created;
}

describe('batches', () => {
  it('takes the oldest events up to the event cap and the byte cap, at least one', () => {
    const events = Array.from({ length: 10 }, (_, i) => envelope(i + 1));
    expect(takeBatch(events, 4, 1_000_000).events.map((e) => e.seq)).toEqual([1, 2, 3, 4]);
    const one = JSON.stringify(events[0]).length;
    const byBytes = takeBatch(events, 10, 13 + one * 3 + 2);
    expect(byBytes.events.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(new TextEncoder().encode(byBytes.body).length).toBeLessThanOrEqual(13 + one * 3 + 2);
    expect(JSON.parse(byBytes.body)).toEqual({ events: events.slice(0, 3) });
    // An event larger than the cap still goes, alone.
    expect(takeBatch(events, 10, 10).events).toHaveLength(1);
    expect(takeBatch([], 10, 10).events).toEqual([]);
  });

  it('sends 1,050 events as batches of at most 500 and 64 KiB, in order, and marks each delivered', async () => {
    const store = fakeStore(1050);
    const { http, requests } = fakeHttp();
    const result = await sync({
      store: () => store,
      http,
      clock: fakeClock(),
      maxBatchBytes: 64 * 1024,
    }).syncNow();
    expect(result).toMatchObject({ state: 'idle', pending: 0, lastError: null, lastDeliveredAt: T0 });
    const sent = requests.flatMap((request) => request.ids);
    expect(sent).toEqual(store.events.map((event) => event.id));
    for (const request of requests) {
      expect(request.ids.length).toBeLessThanOrEqual(500);
      expect(Buffer.byteLength(request.body)).toBeLessThanOrEqual(64 * 1024);
      expect(request.url).toBe('https://api.example.test/v1/audit-events');
      expect(request.headers.authorization).toBe('Bearer token-1');
      expect(request.headers['idempotency-key']).toBe(
        `audit-${request.ids[0]}-${request.ids[request.ids.length - 1]}`,
      );
    }
    expect(requests.length).toBeGreaterThan(3);
    expect(store.delivered.size).toBe(1050);
  });

  it('marks delivered only what a 2xx names (accepted or duplicate) and sends the rest again', async () => {
    const store = fakeStore(4);
    const { http, requests } = fakeHttp((request, index) => {
      const ids = (JSON.parse(request.body) as { events: AuditEnvelope[] }).events.map((e) => e.id);
      // First answer names only two of four (one as a duplicate); then all.
      return index === 0
        ? { status: 200, retryAfter: null, body: accept([ids[0]!], [ids[1]!]) }
        : { status: 200, retryAfter: null, body: accept(ids) };
    });
    const clock = fakeClock();
    await sync({ store: () => store, http, clock }).syncNow();
    expect(requests.map((request) => request.ids.length)).toEqual([4, 2]);
    expect(requests[1]!.ids).toEqual(store.events.slice(2).map((e) => e.id));
    expect(clock.sleeps).toHaveLength(1);
  });

  it('does not mark anything after a 2xx whose body is not the documented answer', async () => {
    const store = fakeStore(2);
    const { http, requests } = fakeHttp((_request, index) =>
      index === 0 ? { status: 200, retryAfter: null, body: 'OK' } : ok(),
    );
    let delivered = 0;
    const real = store.markDelivered;
    store.markDelivered = (ids, at) => {
      delivered += ids.length;
      return real(ids, at);
    };
    await sync({ store: () => store, http, clock: fakeClock() }).syncNow();
    expect(requests).toHaveLength(2);
    expect(delivered).toBe(2);
  });
});

describe('retries', () => {
  it('keeps the idempotency key of a batch across retries, with full-jitter back-off between them', async () => {
    const store = fakeStore(3);
    const failures = [
      status(500),
      new AuditTransportError('network', 'reset'),
      new AuditTransportError('timeout', 'slow'),
      status(502),
    ];
    const { http, requests } = fakeHttp((_request, index) => failures[index] ?? ok());
    const clock = fakeClock();
    const draws = [0.999, 0.5, 0, 0.25];
    const states: string[] = [];
    await sync({
      store: () => store,
      http,
      clock,
      random: () => draws.shift() ?? 0.5,
      baseDelayMs: 1000,
      maxDelayMs: 5000,
      onStatus: (s) => states.push(s.state),
    }).syncNow();
    expect(requests).toHaveLength(5);
    expect(new Set(requests.map((request) => request.headers['idempotency-key'])).size).toBe(1);
    expect(new Set(requests.map((request) => request.body)).size).toBe(1);
    // random * min(max, base * 2^attempt): 0.999*1000, 0.5*2000, 0*4000, 0.25*min(5000, 8000).
    expect(clock.sleeps).toEqual([999, 1000, 0, 1250]);
    expect(states).toContain('waiting');
    expect(store.delivered.size).toBe(3);
  });

  it('draws every back-off within [0, min(max, base * 2^attempt))', () => {
    for (let attempt = 0; attempt < 40; attempt += 1)
      for (const random of [0, 0.3, 0.999999]) {
        const delay = backoffDelay(attempt, 1000, 300_000, random);
        expect(delay).toBeGreaterThanOrEqual(0);
        expect(delay).toBeLessThan(Math.min(300_000, 1000 * 2 ** attempt));
      }
  });

  it('waits as long as Retry-After says, in seconds or as an HTTP date, capped', async () => {
    const store = fakeStore(1);
    const date = new Date(T0 + 7000).toUTCString();
    const answers = [status(429, '3'), status(503, date), status(503, '999999'), status(503, 'soon')];
    const { http, requests } = fakeHttp((_request, index) => answers[index] ?? ok());
    const clock = fakeClock();
    const seen: (string | null)[] = [];
    await sync({
      store: () => store,
      http,
      clock,
      random: () => 0.5,
      baseDelayMs: 100,
      maxRetryAfterMs: 60_000,
      onStatus: (s) => seen.push(s.lastError),
    }).syncNow();
    expect(requests).toHaveLength(5);
    // 3 s; the date 7 s after T0 is 4 s after the first wait; capped at 60 s; unreadable: back-off 0.5*800.
    expect(clock.sleeps).toEqual([3000, 4000, 60_000, 400]);
    expect(seen).toContain('throttled');
    expect(parseRetryAfter('120', 0)).toBe(120_000);
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:00 GMT', Date.UTC(2015, 9, 21, 7, 27, 0))).toBe(60_000);
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:00 GMT', Date.UTC(2016, 0, 1))).toBe(0);
    expect(parseRetryAfter('-1', 0)).toBeNull();
    expect(parseRetryAfter(null, 0)).toBeNull();
  });

  it('refreshes the token once after a 401 and sends the same batch again at once', async () => {
    const store = fakeStore(2);
    let token = 'expired';
    let refreshes = 0;
    const { http, requests } = fakeHttp((request) =>
      request.headers.authorization === 'Bearer expired' ? status(401) : ok(),
    );
    const clock = fakeClock();
    const result = await sync({
      store: () => store,
      http,
      clock,
      accessToken: async () => token,
      refreshAccessToken: async () => {
        refreshes += 1;
        token = 'fresh';
        return token;
      },
    }).syncNow();
    expect(refreshes).toBe(1);
    expect(requests.map((request) => request.headers.authorization)).toEqual([
      'Bearer expired',
      'Bearer fresh',
    ]);
    expect(requests[0]!.headers['idempotency-key']).toBe(requests[1]!.headers['idempotency-key']);
    expect(clock.sleeps).toEqual([]);
    expect(result).toMatchObject({ state: 'idle', pending: 0 });
  });

  it('stops as signed out when the refreshed token is refused too, and resumes on sign-in', async () => {
    const store = fakeStore(2);
    let refused = true;
    const { http, requests } = fakeHttp(() => (refused ? status(401) : ok()));
    let refreshes = 0;
    const s = sync({
      store: () => store,
      http,
      clock: fakeClock(),
      refreshAccessToken: async () => {
        refreshes += 1;
        return 'token-2';
      },
    });
    expect(await s.syncNow()).toMatchObject({ state: 'signed-out', lastError: 'unauthorized', pending: 2 });
    expect(requests).toHaveLength(2);
    expect(refreshes).toBe(1);
    refused = false;
    expect(await s.syncNow()).toMatchObject({ state: 'idle', pending: 0 });
  });

  it('refreshes again for a 401 that follows another answer (only two 401s in a row sign out)', async () => {
    const store = fakeStore(1);
    const answers = [status(401), status(429, '0'), status(401)];
    const { http, requests } = fakeHttp((_request, index) => answers[index] ?? ok());
    let refreshes = 0;
    const result = await sync({
      store: () => store,
      http,
      clock: fakeClock(),
      refreshAccessToken: async () => `token-${(refreshes += 1) + 1}`,
    }).syncNow();
    expect(refreshes).toBe(2);
    expect(requests.map((request) => request.headers.authorization)).toEqual([
      'Bearer token-1',
      'Bearer token-2',
      'Bearer token-1',
      'Bearer token-3',
    ]);
    expect(result).toMatchObject({ state: 'idle', pending: 0 });
  });

  it('sends nothing without a token, nor without a configured API, nor while the database is closed', async () => {
    const store = fakeStore(1);
    const { http, requests } = fakeHttp();
    expect(await sync({ store: () => store, http, accessToken: async () => null }).syncNow()).toMatchObject({
      state: 'signed-out',
    });
    expect(await sync({ store: () => store, http, apiBaseUrl: () => null }).syncNow()).toMatchObject({
      state: 'not-configured',
    });
    expect(await sync({ store: () => null, http }).syncNow()).toMatchObject({ state: 'unavailable' });
    expect(requests).toEqual([]);
  });

  it('stops on a request the provider refuses (4xx) and halves a batch that is too large (413)', async () => {
    const store = fakeStore(8);
    const { http, requests } = fakeHttp((request, index) =>
      index === 0 ? status(413) : index === 2 ? status(400) : ok(),
    );
    const result = await sync({ store: () => store, http, clock: fakeClock() }).syncNow();
    expect(requests.map((request) => request.ids.length)).toEqual([8, 4, 4]);
    expect(result).toMatchObject({ state: 'idle', lastError: 'rejected', pending: 4 });
  });

  it('cuts a back-off wait short when the network returns', async () => {
    const store = fakeStore(1);
    const { http, requests } = fakeHttp((_request, index) => (index === 0 ? status(500) : ok()));
    let release: (() => void) | null = null;
    const clock: AuditSyncClock = {
      now: () => T0,
      sleep: (_ms, signal) =>
        new Promise<void>((resolve) => {
          release = resolve;
          signal.addEventListener('abort', () => resolve(), { once: true });
        }),
      every: () => () => undefined,
    };
    const s = sync({ store: () => store, http, clock, baseDelayMs: 60_000, random: () => 0.99 });
    const run = s.syncNow();
    await expect.poll(() => s.status().state).toBe('waiting');
    expect(s.status().nextAttemptAt).toBe(T0 + 59_400);
    s.networkReturned();
    expect(await run).toMatchObject({ state: 'idle', pending: 0 });
    expect(requests).toHaveLength(2);
    expect(release).not.toBeNull();
  });

  it('runs on start, on the timer and on sign-in', async () => {
    const store = fakeStore(1);
    const { http, requests } = fakeHttp();
    const clock = fakeClock();
    const s = sync({ store: () => store, http, clock });
    s.start();
    await expect.poll(() => requests.length).toBe(1);
    store.add(2);
    clock.tick();
    await expect.poll(() => requests.length).toBe(2);
    store.add(1);
    s.signedIn();
    await expect.poll(() => requests.length).toBe(3);
    expect(requests.map((request) => request.ids.length)).toEqual([1, 2, 1]);
    await s.stop();
    store.add(1);
    clock.tick();
    expect(await s.syncNow()).toMatchObject({ pending: 1 });
    expect(requests).toHaveLength(3);
  });

  it('sends recorded events shortly after, once for a burst', async () => {
    const store = fakeStore(0);
    const { http, requests } = fakeHttp();
    const clock = fakeClock();
    const s = sync({ store: () => store, http, clock, debounceMs: 300 });
    store.add(3);
    s.eventRecorded();
    s.eventRecorded();
    await expect.poll(() => store.delivered.size).toBe(3);
    expect(requests).toHaveLength(1);
    expect(clock.sleeps).toEqual([300]);
  });

  it('names the batch by its first and last event', () => {
    expect(idempotencyKey([{ id: 'a' }, { id: 'b' }, { id: 'c' }])).toBe('audit-a-c');
    expect(() => idempotencyKey([])).toThrow();
  });
});

describe('retention', () => {
  let dir: string | null = null;
  let db: SqlDatabase | null = null;
  afterEach(async () => {
    db?.close();
    db = null;
    if (dir) await rm(dir, { recursive: true, force: true });
    dir = null;
  });

  it('purges delivered events after the retention and never an undelivered one (real store)', async () => {
    dir = await mkdtemp(join(tmpdir(), 'audit-sync-'));
    db = await openEncryptedDatabase(join(dir, 'softphone.db'), createMemorySecretStore());
    let now = T0 - 100 * DAY;
    const clock = { ...fakeClock(), now: () => now };
    const store = await openAuditStore({
      db,
      secrets: createMemorySecretStore(),
      appVersion: '1.0.0',
      now: () => now,
    });
    // 100 days ago: three events, delivered; 10 days ago: two more; today: one the provider refuses.
    for (let i = 0; i < 3; i += 1) store.append({ type: 'session.locked', details: { reason: 'idle' } });
    let refuse = false;
    const { http } = fakeHttp(() => (refuse ? status(400) : ok()));
    const s = sync({ store: () => store, http, clock, retentionDays: () => 30 });
    expect(await s.syncNow()).toMatchObject({ pending: 0 });
    now = T0 - 10 * DAY;
    for (let i = 0; i < 2; i += 1)
      store.append({ type: 'session.unlocked', details: { reauthenticated: false } });
    now = T0;
    await s.syncNow();
    expect(store.list().map((record) => record.type)).toEqual(['session.unlocked', 'session.unlocked']);

    // Undelivered events older than the retention stay, and so does everything after them.
    now = T0 + 1;
    store.append({ type: 'session.locked', details: { reason: 'user' } });
    refuse = true;
    // The provider refuses the batch (4xx): the run ends, the event stays undelivered.
    expect(await s.syncNow()).toMatchObject({ lastError: 'rejected', pending: 1 });
    now = T0 + 800 * DAY;
    await s.syncNow();
    expect(store.purgeDelivered(now)).toBe(2);
    expect(store.list().map((record) => record.type)).toEqual(['session.locked']);
    expect(store.undeliveredCount()).toBe(1);
    expect(store.verify()).toMatchObject({ ok: true });
  });
});
