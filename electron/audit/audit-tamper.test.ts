import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AuditEvent, ChainProblem } from '../../shared/audit/catalog.js';
import { createAuditEndpoint, type AuditEndpoint } from '../../e2e/provider/audit-endpoint.js';
import { seededRandom } from '../../e2e/support/seeded-random.js';
import { reportSecurityFigures } from '../../testing/security-figures.js';
import { auditAttacker } from '../../testing/audit-attacker.js';
import { createMemorySecretStore } from '../../testing/memory-secret-store.js';
import type { SecretStore } from '../secrets/secret-store.js';
import { openEncryptedDatabase, type SqlDatabase } from '../storage/database.js';
import { openAuditStore, type AuditStore } from './audit-store.js';
import { createAuditTrail } from './audit-trail.js';
import { createAuditSync, type AuditHttp } from './sync.js';

/**
 * The audit log against someone who holds the database and its key but not the keychain: every kind of
 * tampering is found when the app opens the log, and at every verify after that, and the provider learns
 * of a gap through an event of its own. A seeded suite of random tampering prints its figures.
 */

const SEED = Number(process.env.AUDIT_TAMPER_SEED ?? 20261219);
const TIME_BUDGET_MS = 20_000;
const T0 = Date.UTC(2026, 11, 19, 9, 0, 0);

let dir: string;
let endpoint: AuditEndpoint;
let server: Server;
let apiBaseUrl: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'audit-tamper-'));
  endpoint = createAuditEndpoint({
    subjectOf: async (req) => (req.headers.authorization === 'Bearer token' ? 'sub-1' : null),
  });
  server = createServer((req, res) => void endpoint.handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  apiBaseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterEach(async () => {
  await new Promise((resolve) => server.close(resolve));
  endpoint.close();
  await rm(dir, { recursive: true, force: true });
});

/** The sync's POST over plain HTTP to the provider's ingest on loopback (TLS is sync-http.ts's own test). */
const http: AuditHttp = async (request) => {
  const response = await fetch(request.url, {
    method: 'POST',
    headers: request.headers,
    body: request.body,
    signal: request.signal,
  });
  return {
    status: response.status,
    retryAfter: response.headers.get('retry-after'),
    body: await response.text(),
  };
};

const EVENTS: AuditEvent[] = [
  { type: 'session.locked', details: { reason: 'idle' } },
  { type: 'session.unlocked', details: { reauthenticated: false } },
  { type: 'token.refreshed', details: {} },
  { type: 'settings.changed', details: { setting: 'dtmfTransport', value: 'info' } },
];

/** The app's side of one device: the keychain (kept across restarts), the database file, the log. */
function device(name: string) {
  const path = join(dir, `${name}.db`);
  const secrets: SecretStore = createMemorySecretStore();
  let clock = T0;
  let db: SqlDatabase | null = null;
  let store: AuditStore | null = null;
  const app = {
    path,
    secrets,
    get db() {
      return db!;
    },
    get store() {
      return store!;
    },
    /** Starts as the app does: database, store, and the trail that records a break found at opening. */
    async open(): Promise<AuditStore> {
      await app.close();
      db = await openEncryptedDatabase(path, secrets);
      store = await openAuditStore({ db, secrets, appVersion: '1.0.0', now: () => (clock += 1000) });
      createAuditTrail({ now: () => clock }).attach(store);
      return store;
    },
    append(count: number) {
      for (let i = 0; i < count; i += 1) store!.append(EVENTS[i % EVENTS.length]!);
    },
    /** One sync run to the provider, until everything is delivered or the provider refuses. */
    async sync() {
      const sync = createAuditSync({
        store: () => store,
        apiBaseUrl: () => apiBaseUrl,
        accessToken: async () => 'token',
        refreshAccessToken: async () => 'token',
        retentionDays: () => 3650,
        http,
        baseDelayMs: 1,
        maxDelayMs: 5,
      });
      const status = await sync.syncNow();
      await sync.stop();
      return status;
    },
    async close() {
      await store?.close();
      db?.close();
      store = null;
      db = null;
    },
    /** The same database file as it is now, to be put back later (an old copy restored). */
    async copy(): Promise<() => Promise<void>> {
      const copy = join(dir, `${name}-${clock}.copy`);
      db!.exec(`VACUUM INTO '${copy}'`);
      return async () => {
        await app.close();
        for (const suffix of ['-wal', '-shm']) await rm(`${path}${suffix}`, { force: true });
        await copyFile(copy, path);
      };
    },
    recorded(type: 'audit.chainBroken' | 'audit.gapDetected') {
      return store!.list().filter((event) => event.type === type);
    },
  };
  return app;
}

type Device = ReturnType<typeof device>;

/** Ten events delivered, five waiting: the log most tampering starts from. */
async function tenDeliveredFiveWaiting(app: Device): Promise<void> {
  await app.open();
  app.append(10);
  expect((await app.sync()).pending).toBe(0);
  app.append(5);
}

/** After tampering: found at opening, and at every verify after it (more events, a sync, another start). */
async function expectFoundFromNowOn(app: Device, problem: ChainProblem) {
  const opened = await app.open();
  expect(opened.openedWith).toMatchObject({ ok: false, problem });
  expect(opened.verify()).toMatchObject({ ok: false });
  app.append(3);
  expect(app.store.verify()).toMatchObject({ ok: false });
  const status = await app.sync();
  // Delivery goes on: the provider accepts the chain past the declared gap.
  expect(status).toMatchObject({ pending: 0, lastError: null });
  expect(app.store.verify()).toMatchObject({ ok: false });
  expect((await app.open()).verify()).toMatchObject({ ok: false });
}

describe('tampering found at opening and at every later verify', () => {
  it('the whole log wiped (every event and the chain row): a gap from 1 to the last link the keychain knew', async () => {
    const app = device('wipe');
    await tenDeliveredFiveWaiting(app);
    const { deviceId } = app.store;
    auditAttacker(app.db).exec('DELETE FROM audit_event');
    auditAttacker(app.db).exec('DELETE FROM audit_chain');
    await expectFoundFromNowOn(app, 'wiped');
    // Still the same device: the gap is declared in its chain, and the provider has it.
    expect(app.store.deviceId).toBe(deviceId);
    const gap = { problem: 'wiped', detectedBy: 'keychain', device: deviceId, missingFrom: 1, missingTo: 15 };
    expect(app.recorded('audit.gapDetected').map((event) => event.details)).toEqual([gap]);
    expect(endpoint.events(deviceId).filter((event) => event.type === 'audit.gapDetected')).toMatchObject([
      { seq: 16, details: gap },
    ]);
  });

  it('the chain row deleted: recorded as a break, never re-anchored silently', async () => {
    const app = device('chain-row');
    await tenDeliveredFiveWaiting(app);
    auditAttacker(app.db).exec('DELETE FROM audit_chain');
    await expectFoundFromNowOn(app, 'forged');
    expect(app.recorded('audit.chainBroken').map((event) => event.details)).toEqual([
      { problem: 'forged', sequence: 1 },
    ]);
    expect(endpoint.events().filter((event) => event.type === 'audit.chainBroken')).toHaveLength(1);
  });

  it('an old copy of the file restored: the links after it declared missing, delivered or not', async () => {
    const app = device('old-copy');
    await tenDeliveredFiveWaiting(app);
    const restore = await app.copy();
    app.append(4);
    await app.sync(); // the provider now holds 1..19
    await restore();
    await expectFoundFromNowOn(app, 'rolled-back');
    expect(app.recorded('audit.gapDetected').map((event) => event.details)).toMatchObject([
      { problem: 'rolled-back', detectedBy: 'keychain', missingFrom: 16, missingTo: 19 },
    ]);
    // The provider's copies of 16..19 stay; its chain goes on at the declared gap.
    expect(
      endpoint
        .events(app.store.deviceId)
        .map((event) => event.seq)
        .slice(0, 21),
    ).toEqual([...Array.from({ length: 19 }, (_, i) => i + 1), 20, 21]);
  });

  it('the oldest undelivered events deleted: a missing link here, a gap the provider names at sync', async () => {
    const app = device('undelivered');
    await tenDeliveredFiveWaiting(app);
    auditAttacker(app.db).exec('DELETE FROM audit_event WHERE seq IN (11, 12)');
    await expectFoundFromNowOn(app, 'missing');
    expect(app.recorded('audit.chainBroken').map((event) => event.details)).toEqual([
      { problem: 'missing', sequence: 11 },
    ]);
    expect(app.recorded('audit.gapDetected').map((event) => event.details)).toMatchObject([
      { problem: 'missing', detectedBy: 'provider', missingFrom: 11, missingTo: 12 },
    ]);
    expect(endpoint.events().filter((event) => event.type === 'audit.gapDetected')).toHaveLength(1);
  });

  it('undelivered events marked delivered so that retention purges them: the provider’s mark shows the gap', async () => {
    const app = device('purged');
    await tenDeliveredFiveWaiting(app);
    auditAttacker(app.db).exec('UPDATE audit_event SET delivered_at = 1 WHERE seq IN (11, 12)');
    const store = await app.open();
    store.purgeDelivered(Date.now() + 1);
    // Nothing local shows it (the purge moved the authenticated base as it does after delivery)...
    expect(store.verify()).toMatchObject({ ok: true });
    // ...until the provider's high-water mark does, at the next sync.
    expect(await app.sync()).toMatchObject({ pending: 0, lastError: null });
    expect(app.recorded('audit.gapDetected').map((event) => event.details)).toMatchObject([
      { problem: 'missing', detectedBy: 'provider', missingFrom: 11, missingTo: 12 },
    ]);
    expect(store.verify()).toMatchObject({ ok: false, problem: 'missing', sequence: 11 });
    expect((await app.open()).verify()).toMatchObject({ ok: false, problem: 'missing' });
  });
});

/** The seeded suite: random tampering of random logs, each checked at opening and at every later verify. */
const figures = { tried: 0, atOpen: 0, everyLater: 0, byKind: new Map<string, [number, number]>() };

type Tamper = (app: Device, random: () => number) => Promise<void>;
const pick = (random: () => number, from: number, to: number) =>
  from + Math.floor(random() * (to - from + 1));

const tampering: Record<string, Tamper> = {
  'edit an event': async (app, random) =>
    void auditAttacker(app.db).exec(
      'UPDATE audit_event SET details = \'{"reason":"user"}\' WHERE seq = ?',
      pick(random, 1, app.store.headSequence()),
    ),
  'rewrite an event and every later hash': async (app, random) => {
    const seq = pick(random, 1, app.store.headSequence());
    auditAttacker(app.db).rewriteFrom(seq, { reason: 'sleep' });
  },
  'delete an event': async (app, random) =>
    void auditAttacker(app.db).exec(
      'DELETE FROM audit_event WHERE seq = ?',
      pick(random, 1, app.store.headSequence()),
    ),
  'cut events off the end': async (app, random) =>
    void auditAttacker(app.db).exec(
      'DELETE FROM audit_event WHERE seq > ?',
      app.store.headSequence() - pick(random, 1, 3),
    ),
  'swap two events': async (app, random) => {
    const a = pick(random, 1, app.store.headSequence() - 1);
    auditAttacker(app.db).swap(a, pick(random, a + 1, app.store.headSequence()));
  },
  'change an HMAC': async (app, random) =>
    void auditAttacker(app.db).exec(
      "UPDATE audit_event SET hmac = replace(hmac, substr(hmac, 1, 1), CASE substr(hmac, 1, 1) WHEN 'a' THEN 'b' ELSE 'a' END) WHERE seq = ?",
      pick(random, 1, app.store.headSequence()),
    ),
  'delete the chain row': async (app) => void auditAttacker(app.db).exec('DELETE FROM audit_chain'),
  'move the authenticated base': async (app, random) =>
    void auditAttacker(app.db).exec('UPDATE audit_chain SET base_seq = ?', pick(random, 1, 3)),
  'wipe everything': async (app) => {
    auditAttacker(app.db).exec('DELETE FROM audit_event');
    auditAttacker(app.db).exec('DELETE FROM audit_chain');
  },
  'restore an old copy': async () => undefined, // prepared in the loop: the copy is taken before the last events
  'delete the oldest undelivered events': async (app, random) => {
    const first = app.store.undelivered(1)[0]?.seq ?? app.store.headSequence();
    auditAttacker(app.db).exec(
      'DELETE FROM audit_event WHERE seq BETWEEN ? AND ?',
      first,
      first + pick(random, 0, 1),
    );
  },
};

describe('a seeded tamper suite', () => {
  afterAll(() => {
    reportSecurityFigures([
      `audit tamper suite (seed ${SEED}): detected at opening ${figures.atOpen} / ${figures.tried} tried; ` +
        `detected at every later verify ${figures.everyLater} / ${figures.tried}`,
      ...[...figures.byKind].map(([kind, [found, tried]]) => `  ${kind}: ${found} / ${tried}`),
    ]);
  });

  it('finds every random tampering when the log opens, and at every verify after it', async () => {
    const random = seededRandom(SEED);
    const kinds = Object.keys(tampering);
    const started = Date.now();
    for (let round = 0; Date.now() - started < TIME_BUDGET_MS && round < 4 * kinds.length; round += 1) {
      const kind = kinds[round % kinds.length]!;
      const app = device(`case-${round}`);
      await app.open();
      app.append(pick(random, 6, 14));
      if (random() < 0.6) await app.sync();
      app.append(pick(random, 2, 5));
      const restore = kind === 'restore an old copy' ? await app.copy() : null;
      if (restore) app.append(pick(random, 1, 4));
      await tampering[kind]!(app, random);
      if (restore) await restore();

      const atOpen = !(await app.open()).openedWith.ok;
      app.append(2);
      const later = [!app.store.verify().ok];
      await app.sync();
      later.push(!app.store.verify().ok, !(await app.open()).verify().ok);
      await app.close();

      const everyLater = later.every(Boolean);
      figures.tried += 1;
      if (atOpen) figures.atOpen += 1;
      if (everyLater) figures.everyLater += 1;
      const [found, tried] = figures.byKind.get(kind) ?? [0, 0];
      figures.byKind.set(kind, [found + Number(atOpen && everyLater), tried + 1]);
      expect({ kind, round, atOpen, later }).toEqual({
        kind,
        round,
        atOpen: true,
        later: [true, true, true],
      });
    }
    expect(figures.tried).toBeGreaterThanOrEqual(kinds.length);
  }, 60_000);
});
