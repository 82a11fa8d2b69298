import Database from 'better-sqlite3-multiple-ciphers';
import canonicalize from 'canonicalize';
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { AuditEnvelope } from '../../shared/audit/catalog.js';

/**
 * The provider's audit ingest for the test stack: `POST /v1/audit-events` (shared/provider/
 * provider-api.openapi.yaml). Events are stored in an SQLite database with the event id as primary key and
 * (device, sequence) unique; a request is answered once per `Idempotency-Key` (a repeat gets the first
 * answer again) and every event once per id (a retried batch under another key is not doubled). Each
 * device's hash chain is checked on arrival: a link must follow the stored head (next sequence number,
 * `prevHash` = the head's hash) and its hash must match its content (RFC 8785). The HMAC cannot be checked
 * here: its key never leaves the device.
 *
 * A test can make it misbehave (see `AuditMisbehaviour`), one request per queued mode.
 */

export type AuditMisbehaviour =
  /** Answer with this status (500, 502, ...) without storing anything. */
  | { kind: 'fail'; status: number }
  /** 429 or 503 with `Retry-After` (seconds, or an HTTP date), without storing anything. */
  | { kind: 'retry-after'; status: 429 | 503; retryAfter: string }
  /** Store the batch, then reset the connection: the acknowledgement is lost. */
  | { kind: 'drop-after-store' }
  /** 401 invalid_token, as for an expired access token. */
  | { kind: 'unauthorized' }
  /** Read the request and never answer (the client's timeout ends it). */
  | { kind: 'hang' }
  /** Answer normally after this delay. */
  | { kind: 'slow'; delayMs: number };

export interface StoredAuditEvent extends AuditEnvelope {
  /** The subject of the access token it came with. */
  sub: string;
  receivedAt: number;
}

export interface AuditEndpoint {
  /** Handles `POST /v1/audit-events`; `subjectOf` validates the bearer token (null: 401). */
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
  /** Queues misbehaviour: each mode takes one request, in order; `times` repeats it. */
  misbehave(mode: AuditMisbehaviour, times?: number): void;
  /** Drops queued misbehaviour. */
  behave(): void;
  /** Every stored event of a device, in sequence order (all devices when none is given). */
  events(deviceId?: string): StoredAuditEvent[];
  /** How often each event id arrived (accepted plus duplicates), for exactly-once checks. */
  arrivals(): Map<string, number>;
  /** Links that were refused because they broke a device's chain. */
  chainErrors(): { deviceId: string; seq: number; problem: 'altered' | 'gap' | 'broken' | 'conflict' }[];
  /** Counters of what happened. */
  stats(): { requests: number; misbehaved: number; replayed: number; accepted: number; duplicates: number };
  /** Resolves when stored events reach `count` (optionally for one type). */
  waitFor(count: number, type?: string): Promise<void>;
  close(): void;
}

export interface AuditEndpointOptions {
  /** Validates the request's bearer token; returns its subject, or null. */
  subjectOf(req: IncomingMessage): Promise<string | null>;
  /** The database file (default: in memory). */
  databasePath?: string;
  now?(): number;
}

const MAX_BODY_BYTES = 2 * 1024 * 1024;
const GENESIS = '0'.repeat(64);
const Batch = z.object({ events: z.array(AuditEnvelope).min(1).max(5000) }).strict();

class BadRequest extends Error {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
  ) {
    super(String(body.error));
  }
}

/** The link's hash as the device computes it: SHA-256 over RFC 8785 JSON of all fields but hash and hmac. */
function linkHash(event: AuditEnvelope): string {
  const { hash: _hash, hmac: _hmac, ...content } = event;
  return createHash('sha256')
    .update(canonicalize(content) ?? '')
    .digest('hex');
}

interface EventRow {
  id: string;
  device_id: string;
  seq: number;
  hash: string;
  envelope: string;
  sub: string;
  received_at: number;
}

export function createAuditEndpoint(options: AuditEndpointOptions): AuditEndpoint {
  const now = options.now ?? Date.now;
  const db = new Database(options.databasePath ?? ':memory:');
  db.pragma('journal_mode = WAL');
  db.exec(`
    CREATE TABLE IF NOT EXISTS audit_event (
      id TEXT PRIMARY KEY,
      device_id TEXT NOT NULL,
      seq INTEGER NOT NULL,
      hash TEXT NOT NULL,
      envelope TEXT NOT NULL,
      sub TEXT NOT NULL,
      received_at INTEGER NOT NULL,
      UNIQUE (device_id, seq)
    );
    CREATE TABLE IF NOT EXISTS audit_gap (
      id TEXT PRIMARY KEY,
      device_id TEXT NOT NULL,
      missing_from INTEGER NOT NULL,
      missing_to INTEGER NOT NULL
    );
    CREATE TABLE IF NOT EXISTS chain_head (
      device_id TEXT PRIMARY KEY,
      seq INTEGER NOT NULL,
      hash TEXT NOT NULL
    );
    CREATE TABLE IF NOT EXISTS idempotency (
      key TEXT PRIMARY KEY,
      body_sha256 TEXT NOT NULL,
      response TEXT NOT NULL
    );
  `);
  const headRow = db.prepare<[string], { seq: number; hash: string }>(
    'SELECT seq, hash FROM chain_head WHERE device_id = ?',
  );
  const saveHead = db.prepare('INSERT OR REPLACE INTO chain_head (device_id, seq, hash) VALUES (?, ?, ?)');
  const gapAt = db.prepare<[string, number, number], { missing_to: number }>(
    'SELECT max(missing_to) AS missing_to FROM audit_gap WHERE device_id = ? AND missing_from <= ? AND missing_to >= ?',
  );
  const linkAt = db.prepare<[string, number], { seq: number; hash: string }>(
    'SELECT seq, hash FROM audit_event WHERE device_id = ? AND seq = ?',
  );
  const insertGap = db.prepare(
    'INSERT INTO audit_gap (id, device_id, missing_from, missing_to) VALUES (?, ?, ?, ?)',
  );
  /** The device's high-water mark: its last link with nothing missing before it, declared gaps counted as held. */
  const head = (deviceId: string) => headRow.get(deviceId) ?? { seq: 0, hash: GENESIS };
  /** The sequence the next link must carry: after the head, past any gap declared there. */
  const nextExpected = (deviceId: string, after: number): number => {
    let next = after + 1;
    for (;;) {
      const declared = gapAt.get(deviceId, next, next)?.missing_to ?? null;
      if (declared === null) return next;
      next = declared + 1;
    }
  };
  /** Moves the head over links that arrived ahead of it (a declared gap's link comes first). */
  const advance = (deviceId: string) => {
    let current = head(deviceId);
    for (;;) {
      const link = linkAt.get(deviceId, nextExpected(deviceId, current.seq));
      if (!link) break;
      current = link;
    }
    saveHead.run(deviceId, current.seq, current.hash);
  };
  const byId = db.prepare<[string], { device_id: string; seq: number; hash: string }>(
    'SELECT device_id, seq, hash FROM audit_event WHERE id = ?',
  );
  const insert = db.prepare(
    'INSERT INTO audit_event (id, device_id, seq, hash, envelope, sub, received_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  const findKey = db.prepare<[string], { body_sha256: string; response: string }>(
    'SELECT body_sha256, response FROM idempotency WHERE key = ?',
  );
  const saveKey = db.prepare('INSERT INTO idempotency (key, body_sha256, response) VALUES (?, ?, ?)');

  const queue: AuditMisbehaviour[] = [];
  const arrivals = new Map<string, number>();
  const chainErrors: ReturnType<AuditEndpoint['chainErrors']> = [];
  const stats = { requests: 0, misbehaved: 0, replayed: 0, accepted: 0, duplicates: 0 };
  const waiters = new Set<{ count: number; type?: string; resolve(): void }>();
  const hanging = new Set<ServerResponse>();

  const storedCount = (type?: string): number =>
    type === undefined
      ? (db.prepare('SELECT count(*) AS n FROM audit_event').get() as { n: number }).n
      : (
          db
            .prepare("SELECT count(*) AS n FROM audit_event WHERE json_extract(envelope, '$.type') = ?")
            .get(type) as { n: number }
        ).n;
  const notify = () => {
    for (const waiter of [...waiters])
      if (storedCount(waiter.type) >= waiter.count) {
        waiters.delete(waiter);
        waiter.resolve();
      }
  };

  /** Stores a batch in one transaction; throws BadRequest (and stores nothing) for a broken chain. */
  const store = db.transaction((events: AuditEnvelope[], sub: string) => {
    const accepted: string[] = [];
    const duplicates: string[] = [];
    // A device's declared gaps first: the links after a gap follow them.
    const isGap = (event: AuditEnvelope) => event.type === 'audit.gapDetected';
    const sorted = [...events].sort((a, b) =>
      a.deviceId !== b.deviceId
        ? a.deviceId < b.deviceId
          ? -1
          : 1
        : isGap(a) !== isGap(b)
          ? Number(isGap(b)) - Number(isGap(a))
          : a.seq - b.seq,
    );
    for (const event of sorted) {
      const known = byId.get(event.id);
      if (known) {
        if (known.device_id !== event.deviceId || known.seq !== event.seq || known.hash !== event.hash) {
          chainErrors.push({ deviceId: event.deviceId, seq: event.seq, problem: 'conflict' });
          throw new BadRequest(409, { error: 'conflict', id: event.id });
        }
        duplicates.push(event.id);
        continue;
      }
      const reject = (problem: 'altered' | 'gap' | 'broken', expected?: number) => {
        chainErrors.push({ deviceId: event.deviceId, seq: event.seq, problem });
        throw new BadRequest(409, {
          error: `chain-${problem}`,
          deviceId: event.deviceId,
          seq: event.seq,
          expected,
        });
      };
      if (linkHash(event) !== event.hash) reject('altered');
      const last = head(event.deviceId);
      const { details } = event;
      if (isGap(event) && details.device === event.deviceId) {
        // A declared gap: the device says which of its links are lost; its chain goes on after them.
        if (event.seq <= last.seq) reject('gap', nextExpected(event.deviceId, last.seq));
        insertGap.run(event.id, event.deviceId, Number(details.missingFrom), Number(details.missingTo));
      } else {
        // A device's first delivered link is its first link ever (undelivered events are never purged).
        const expectedSeq = nextExpected(event.deviceId, last.seq);
        if (event.seq !== expectedSeq) reject('gap', expectedSeq);
        // After a declared gap the previous link is one the provider never had.
        if (expectedSeq === last.seq + 1 && event.prevHash !== last.hash) reject('broken');
      }
      insert.run(event.id, event.deviceId, event.seq, event.hash, JSON.stringify(event), sub, now());
      advance(event.deviceId);
      accepted.push(event.id);
    }
    // The high-water mark of the batch's device: the app compares it with its own log.
    return { accepted, duplicates, head: { sequence: head(sorted[0]!.deviceId).seq } };
  });

  function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
    res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers });
    res.end(JSON.stringify(body));
  }

  async function readBody(req: IncomingMessage): Promise<Buffer> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) throw new BadRequest(413, { error: 'too_large' });
      chunks.push(chunk);
    }
    return Buffer.concat(chunks);
  }

  return {
    async handle(req, res) {
      stats.requests += 1;
      if (req.method !== 'POST') return send(res, 405, { error: 'method_not_allowed' }, { allow: 'POST' });
      const sub = await options.subjectOf(req);
      const mode = queue.shift();
      if (mode) stats.misbehaved += 1;
      if (sub === null || mode?.kind === 'unauthorized') {
        req.resume();
        return send(
          res,
          401,
          { error: 'unauthorized' },
          {
            'www-authenticate': 'Bearer realm="provider-api", error="invalid_token"',
          },
        );
      }
      let raw: Buffer;
      try {
        raw = await readBody(req);
      } catch (error) {
        if (error instanceof BadRequest) return send(res, error.status, error.body);
        throw error;
      }
      if (mode?.kind === 'fail') return send(res, mode.status, { error: 'server_error' });
      if (mode?.kind === 'retry-after')
        return send(res, mode.status, { error: 'try_later' }, { 'retry-after': mode.retryAfter });
      if (mode?.kind === 'hang') {
        hanging.add(res);
        res.on('close', () => hanging.delete(res));
        return;
      }
      if (mode?.kind === 'slow') await new Promise((resolve) => setTimeout(resolve, mode.delayMs));

      const key = req.headers['idempotency-key'];
      if (typeof key !== 'string' || key.length < 16 || key.length > 128)
        return send(res, 400, { error: 'idempotency_key_required' });
      const bodyHash = createHash('sha256').update(raw).digest('hex');
      const earlier = findKey.get(key);
      if (earlier) {
        // The same request again (its answer was lost): the same answer. Another body under it: refused.
        if (earlier.body_sha256 !== bodyHash) return send(res, 422, { error: 'idempotency_key_reused' });
        stats.replayed += 1;
        const replay = JSON.parse(earlier.response) as { accepted: string[]; duplicates: string[] };
        for (const id of [...replay.accepted, ...replay.duplicates])
          arrivals.set(id, (arrivals.get(id) ?? 0) + 1);
        if (mode?.kind === 'drop-after-store') return void req.socket.destroy();
        return send(res, 200, replay);
      }
      let parsed: z.infer<typeof Batch>;
      try {
        parsed = Batch.parse(JSON.parse(raw.toString('utf8')));
      } catch {
        return send(res, 400, { error: 'invalid_batch' });
      }
      let result: { accepted: string[]; duplicates: string[]; head: { sequence: number } };
      try {
        result = store(parsed.events, sub);
      } catch (error) {
        if (error instanceof BadRequest) return send(res, error.status, error.body);
        throw error;
      }
      saveKey.run(key, bodyHash, JSON.stringify(result));
      stats.accepted += result.accepted.length;
      stats.duplicates += result.duplicates.length;
      for (const id of [...result.accepted, ...result.duplicates])
        arrivals.set(id, (arrivals.get(id) ?? 0) + 1);
      notify();
      if (mode?.kind === 'drop-after-store') return void req.socket.destroy();
      send(res, 200, result);
    },
    misbehave(mode, times = 1) {
      for (let i = 0; i < times; i += 1) queue.push(mode);
    },
    behave() {
      queue.length = 0;
    },
    events(deviceId) {
      const rows = (
        deviceId === undefined
          ? db.prepare('SELECT * FROM audit_event ORDER BY device_id, seq').all()
          : db.prepare('SELECT * FROM audit_event WHERE device_id = ? ORDER BY seq').all(deviceId)
      ) as EventRow[];
      return rows.map((row) => ({
        ...(JSON.parse(row.envelope) as AuditEnvelope),
        sub: row.sub,
        receivedAt: row.received_at,
      }));
    },
    arrivals: () => new Map(arrivals),
    chainErrors: () => [...chainErrors],
    stats: () => ({ ...stats }),
    waitFor(count, type) {
      return new Promise((resolve) => {
        const waiter = type === undefined ? { count, resolve } : { count, type, resolve };
        waiters.add(waiter);
        notify();
      });
    },
    close() {
      for (const res of hanging) res.socket?.destroy();
      hanging.clear();
      queue.length = 0;
      db.close();
    },
  };
}
