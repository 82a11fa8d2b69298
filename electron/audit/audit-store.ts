import canonicalize from 'canonicalize';
import { createHash, createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';
import {
  AUDIT_CATALOG_VERSION,
  AuditEvent,
  isAuditEventType,
  type AuditDetailValue,
  type AuditEnvelope,
  type AuditEventOf,
  type AuditEventType,
  type ChainProblem,
  type ChainVerification,
} from '../../shared/audit/catalog.js';
import type { SecretStore } from '../secrets/secret-store.js';
import type { SqlDatabase } from '../storage/database.js';
import type { AuditRecord } from './audit-log.js';

/** The keychain item with the HMAC key (32 random bytes, hex). It is never written to the database. */
export const AUDIT_HMAC_KEY_ITEM = 'audit-hmac-key';
/**
 * The keychain item with the chain's last link as the store last wrote it (device, sequence, hash, under
 * the HMAC key): a log that no longer reaches it was wiped or rolled back to an older copy.
 */
export const AUDIT_HEAD_ITEM = 'audit-chain-head';
/** The previous hash of the first event a device records. */
export const GENESIS_HASH = '0'.repeat(64);
/** The event type that declares a gap in the chain (shared/audit/catalog.ts). */
const GAP_TYPE = 'audit.gapDetected';

/** An event that is not in the catalog, or whose details do not match its schema. */
export class AuditEventError extends Error {
  constructor(
    readonly reason: 'unknown-type' | 'invalid-details',
    readonly eventType: string,
    /** Paths of the offending fields, e.g. ["details.reason"]. */
    readonly fields: string[],
  ) {
    super(
      reason === 'unknown-type'
        ? `unknown audit event type: ${eventType}`
        : `invalid details for audit event ${eventType}: ${fields.join(', ')}`,
    );
    this.name = 'AuditEventError';
  }
}

/** Validates an event against the catalog; throws AuditEventError. */
export function parseAuditEvent(input: unknown): AuditEvent {
  const type = typeof input === 'object' && input !== null ? (input as { type?: unknown }).type : undefined;
  if (!isAuditEventType(type)) throw new AuditEventError('unknown-type', String(type).slice(0, 64), ['type']);
  const parsed = AuditEvent.safeParse(input);
  if (!parsed.success)
    throw new AuditEventError(
      'invalid-details',
      type,
      parsed.error.issues.map((issue) => issue.path.join('.') || '(event)'),
    );
  return parsed.data;
}

type Details = Record<string, AuditDetailValue>;

/** Everything a link's hash covers: the envelope without `hash` and `hmac`. */
interface LinkContent {
  v: number;
  id: string;
  seq: number;
  at: number;
  deviceId: string;
  user: string | null;
  appVersion: string;
  type: string;
  details: Details;
  prevHash: string;
}

function canonical(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new Error('value has no canonical JSON form');
  return text;
}

/** SHA-256 (hex) over the RFC 8785 canonical JSON of the link's content, timestamps as ISO 8601. */
export function linkHash(content: LinkContent): string {
  const { at, ...rest } = content;
  return createHash('sha256')
    .update(canonical({ ...rest, time: new Date(at).toISOString() }))
    .digest('hex');
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * The HMAC key from the keychain, created there on first use. It stays in this process's memory and the
 * keychain only: someone with the database and its key, but without the keychain, cannot make a link
 * whose HMAC verifies.
 */
async function hmacKey(secrets: SecretStore): Promise<Buffer> {
  let hex = await secrets.get(AUDIT_HMAC_KEY_ITEM);
  if (hex === null) {
    hex = randomBytes(32).toString('hex');
    await secrets.set(AUDIT_HMAC_KEY_ITEM, hex);
    if ((await secrets.get(AUDIT_HMAC_KEY_ITEM)) !== hex)
      throw new Error('the keychain did not keep the audit key');
  }
  if (!/^[0-9a-f]{64}$/.test(hex)) throw new Error('the audit key in the keychain is malformed');
  return Buffer.from(hex, 'hex');
}

interface EventRow {
  pos: number;
  seq: number;
  id: string;
  version: number;
  at: number;
  device_id: string;
  user_id: string | null;
  app_version: string;
  type: string;
  details: string;
  prev_hash: string;
  hash: string;
  hmac: string;
  delivered_at: number | null;
}

interface ChainRow {
  device_id: string;
  base_seq: number;
  base_hash: string;
  base_hmac: string;
  head_seq: number;
  head_hash: string;
  head_hmac: string;
}

function contentOf(row: EventRow): LinkContent | null {
  let details: unknown;
  try {
    details = JSON.parse(row.details);
  } catch {
    return null;
  }
  if (typeof details !== 'object' || details === null || Array.isArray(details)) return null;
  return {
    v: row.version,
    id: row.id,
    seq: row.seq,
    at: row.at,
    deviceId: row.device_id,
    user: row.user_id,
    appVersion: row.app_version,
    type: row.type,
    details: details as Details,
    prevHash: row.prev_hash,
  };
}

function toRecord(row: Pick<EventRow, 'id' | 'seq' | 'at' | 'type' | 'details'>): AuditRecord {
  return {
    id: row.id,
    sequence: row.seq,
    at: row.at,
    type: row.type,
    details: JSON.parse(row.details) as Details,
  };
}

function toEnvelope(row: EventRow): AuditEnvelope {
  return {
    v: row.version,
    id: row.id,
    seq: row.seq,
    time: new Date(row.at).toISOString(),
    deviceId: row.device_id,
    user: row.user_id,
    appVersion: row.app_version,
    type: row.type,
    details: JSON.parse(row.details) as Details,
    prevHash: row.prev_hash,
    hash: row.hash,
    hmac: row.hmac,
  };
}

export interface AuditStoreOptions {
  db: SqlDatabase;
  secrets: SecretStore;
  appVersion: string;
  now(): number;
  /** The signed-in user (the ID token's subject), or null before sign-in. */
  user?(): string | null;
}

/** An event to append, already validated, when it happened (default: now) and who was signed in then. */
export interface PendingAuditEvent {
  event: AuditEvent;
  at?: number;
  /** The signed-in user's ID-token subject, null for none (default: the store's `user()` at append). */
  user?: string | null;
}

export interface AuditStore {
  readonly deviceId: string;
  readonly appVersion: string;
  /** What verify() found when the store was opened, before anything was appended. */
  readonly openedWith: ChainVerification;
  append(event: AuditEvent, at?: number): AuditRecord;
  /** Appends in order, in one transaction. */
  appendMany(events: readonly PendingAuditEvent[]): AuditRecord[];
  /** Every stored event, oldest first. */
  list(): AuditRecord[];
  /** The newest events first, of the given types (all when absent) and times (`from` inclusive, `to` not). */
  search(query: { types?: readonly string[]; from?: number; to?: number; limit: number }): AuditRecord[];
  /** The newest stored event of a type. */
  latest<T extends AuditEventType>(type: T): (AuditRecord & { details: AuditEventOf<T>['details'] }) | null;
  /** The app version of the newest stored event, or null when the log is empty. */
  lastAppVersion(): string | null;
  /** The oldest undelivered events as they are sent to the provider. */
  undelivered(limit: number): AuditEnvelope[];
  /** How many events wait for delivery. */
  undeliveredCount(): number;
  /** Marks events delivered (after the provider acknowledged them); returns how many changed. */
  markDelivered(ids: readonly string[], at: number): number;
  /**
   * Removes the oldest delivered events that happened before `cutoff`, up to the first undelivered one,
   * and moves the chain's authenticated base past them. Undelivered events are never removed.
   */
  purgeDelivered(cutoff: number): number;
  /**
   * Walks the chain and returns the first altered, forged, broken, missing or reordered link; then whether
   * the log still reaches the last link the keychain knows; then the first break or gap the log itself
   * records (`audit.chainBroken`, `audit.gapDetected`), so that a repaired chain never verifies as intact.
   */
  verify(): ChainVerification;
  /** The sequence number of the newest link. */
  headSequence(): number;
  /**
   * Appends an `audit.gapDetected` link (unless one already declares the same gap): at sequence
   * `missingTo + 1` when the missing links would come next, so that the chain skips them, else next.
   */
  declareGap(gap: Omit<AuditEventOf<'audit.gapDetected'>['details'], 'device'>): AuditRecord | null;
  /** Resolves once the keychain holds the newest link; no more keychain writes after it. */
  close(): Promise<void>;
}

interface KeychainHead {
  deviceId: string;
  seq: number;
  hash: string;
}

/** The keychain's record of the last link, or null when there is none (or it does not verify). */
async function readKeychainHead(
  secrets: SecretStore,
  mac: (head: KeychainHead) => string,
): Promise<KeychainHead | null> {
  const raw = await secrets.get(AUDIT_HEAD_ITEM);
  if (raw === null) return null;
  try {
    const parsed = JSON.parse(raw) as KeychainHead & { mac: string };
    const head = { deviceId: String(parsed.deviceId), seq: Number(parsed.seq), hash: String(parsed.hash) };
    return Number.isSafeInteger(head.seq) && sameText(String(parsed.mac), mac(head)) ? head : null;
  } catch {
    return null;
  }
}

/**
 * The audit trail's store in the encrypted database: an append-only, hash-chained log.
 *
 * Each link's `hash` covers its content and the previous link's hash; its `hmac` is HMAC-SHA-256 of the
 * hash with a key that only the keychain holds. The chain's first and last links (base and head) are
 * kept in `audit_chain` with their own HMACs, so that cutting events off either end shows too.
 * verify() names the first link that is:
 * - `altered`: its content no longer matches its hash (edited in place);
 * - `forged`: its hash matches, its HMAC does not (rewritten without the keychain's key), or an
 *   anchor's HMAC does not, or events follow the authenticated head;
 * - `broken`: authentic, but not linked to the link before it (spliced in from another copy);
 * - `missing`: a sequence number is absent (deleted, or cut off the end);
 * - `reordered`: its sequence number appears later in the order the events were written.
 */
export async function openAuditStore(options: AuditStoreOptions): Promise<AuditStore> {
  const { db, appVersion, now } = options;
  const key = await hmacKey(options.secrets);
  const eventHmac = (hash: string) => createHmac('sha256', key).update(hash).digest('hex');
  const anchorHmac = (anchor: 'base' | 'head' | 'keychain', deviceId: string, seq: number, hash: string) =>
    createHmac('sha256', key).update(canonical({ anchor, deviceId, seq, hash })).digest('hex');
  const keychainMac = (head: KeychainHead) => anchorHmac('keychain', head.deviceId, head.seq, head.hash);
  // What the keychain knew when the store opened; afterwards, what it was last told.
  let known = await readKeychainHead(options.secrets, keychainMac);

  const selectChain = db.prepare('SELECT * FROM audit_chain WHERE id = 1');
  const insertEvent = db.prepare(
    `INSERT INTO audit_event (seq, id, version, at, device_id, user_id, app_version, type, details, prev_hash, hash, hmac)
     VALUES (@seq, @id, @version, @at, @deviceId, @user, @appVersion, @type, @details, @prevHash, @hash, @hmac)`,
  );
  const updateHead = db.prepare(
    'UPDATE audit_chain SET head_seq = ?, head_hash = ?, head_hmac = ? WHERE id = 1',
  );
  const walk = db.prepare('SELECT * FROM audit_event ORDER BY pos');
  const hasSeq = db.prepare('SELECT 1 FROM audit_event WHERE seq = ?');

  const hashAt = db.prepare('SELECT hash FROM audit_event WHERE seq = ?');
  const firstRecordedBreak = db.prepare(
    `SELECT type, details FROM audit_event WHERE type IN ('audit.chainBroken', '${GAP_TYPE}') ORDER BY seq LIMIT 1`,
  );

  /** A gap link that skips exactly the links it declares missing (`expected`..`seq - 1`) in its own chain. */
  const declaresSkip = (row: EventRow, expected: number): boolean => {
    if (row.type !== GAP_TYPE || row.seq <= expected) return false;
    const details = contentOf(row)?.details;
    return (
      details?.device === row.device_id &&
      details.missingFrom === expected &&
      details.missingTo === row.seq - 1
    );
  };

  /** The links themselves: content, HMAC, order, and the authenticated base and head. */
  const verifyLinks = (chain: ChainRow): ChainVerification => {
    const fail = (problem: ChainProblem, sequence: number, count: number): ChainVerification => ({
      ok: false,
      problem,
      sequence,
      count,
    });
    if (!sameText(chain.base_hmac, anchorHmac('base', chain.device_id, chain.base_seq, chain.base_hash)))
      return fail('forged', chain.base_seq + 1, 0);
    let expected = chain.base_seq + 1;
    let prevHash = chain.base_hash;
    let count = 0;
    let found: { problem: ChainProblem | 'out-of-sequence'; sequence: number } | null = null;
    for (const row of walk.iterate() as IterableIterator<EventRow>) {
      if (row.seq !== expected && !declaresSkip(row, expected)) {
        // Told apart below: the statement is busy while it iterates.
        found = { problem: 'out-of-sequence', sequence: expected };
        break;
      }
      const content = contentOf(row);
      let hash: string | null = null;
      try {
        hash = content && linkHash(content);
      } catch {
        hash = null; // e.g. a timestamp that is no date
      }
      if (hash === null || !sameText(hash, row.hash)) {
        found = { problem: 'altered', sequence: row.seq };
        break;
      }
      if (!sameText(row.hmac, eventHmac(row.hash))) {
        found = { problem: 'forged', sequence: row.seq };
        break;
      }
      if (!sameText(row.prev_hash, prevHash)) {
        found = { problem: 'broken', sequence: row.seq };
        break;
      }
      prevHash = row.hash;
      expected = row.seq + 1;
      count += 1;
    }
    if (found?.problem === 'out-of-sequence')
      return fail(hasSeq.get(found.sequence) ? 'reordered' : 'missing', found.sequence, count);
    if (found) return fail(found.problem, found.sequence, count);
    const last = expected - 1;
    if (!sameText(chain.head_hmac, anchorHmac('head', chain.device_id, chain.head_seq, chain.head_hash)))
      return fail('forged', chain.head_seq, count);
    // Events cut off the end: the head names a later one.
    if (chain.head_seq > last) return fail('missing', expected, count);
    // Events after the authenticated head were added without the key.
    if (chain.head_seq < last) return fail('forged', chain.head_seq + 1, count);
    if (!sameText(chain.head_hash, prevHash)) return fail('broken', last, count);
    return { ok: true, count, lastSequence: last };
  };

  /** Whether the log still reaches the last link the keychain knows (a wiped or older copy does not). */
  const verifyAgainstKeychain = (deviceId: string, last: number, count: number): ChainVerification | null => {
    if (!known || known.seq === 0) return null;
    if (known.deviceId !== deviceId || (count === 0 && last === 0))
      return { ok: false, problem: count === 0 ? 'wiped' : 'rolled-back', sequence: 1, count };
    if (known.seq > last) return { ok: false, problem: 'rolled-back', sequence: last + 1, count };
    const row = hashAt.get(known.seq) as { hash: string } | undefined;
    if (row && !sameText(row.hash, known.hash))
      return { ok: false, problem: 'rolled-back', sequence: known.seq, count };
    return null;
  };

  /** Each finding on its own: the links, the keychain's last link, and the breaks the log records. */
  const findings = (): {
    links: ChainVerification;
    keychain: ChainVerification | null;
    recorded: ChainVerification | null;
  } => {
    const chain = selectChain.get() as ChainRow | undefined;
    if (!chain) {
      const first = db.prepare('SELECT seq FROM audit_event ORDER BY pos LIMIT 1').get() as
        { seq: number } | undefined;
      // Events without their authenticated anchors: the chain row was removed.
      if (first)
        return {
          links: { ok: false, problem: 'forged', sequence: first.seq, count: 0 },
          keychain: null,
          recorded: null,
        };
      return {
        links: { ok: true, count: 0, lastSequence: 0 },
        keychain: verifyAgainstKeychain('', 0, 0),
        recorded: null,
      };
    }
    const links = verifyLinks(chain);
    if (!links.ok) return { links, keychain: null, recorded: null };
    const keychain = verifyAgainstKeychain(chain.device_id, links.lastSequence, links.count);
    // A break or gap the log records stays a finding for as long as the log holds the record.
    const row = firstRecordedBreak.get() as { type: string; details: string } | undefined;
    const details = row ? (JSON.parse(row.details) as Details) : null;
    const recorded: ChainVerification | null = details && {
      ok: false,
      problem: details.problem as ChainProblem,
      sequence: Number(row!.type === GAP_TYPE ? details.missingFrom : details.sequence),
      count: links.count,
    };
    return { links, keychain, recorded };
  };

  const verify = (): ChainVerification => {
    const { links, keychain, recorded } = findings();
    return (!links.ok && links) || keychain || recorded || links;
  };

  const atOpening = findings();
  const openedWith = verify();

  // Where the next link goes: after the authenticated head, or after the highest stored event if that is
  // further (after tampering, appends continue instead of colliding; openedWith has named the damage).
  let chain = selectChain.get() as ChainRow | undefined;
  const top = db.prepare('SELECT seq, hash, device_id FROM audit_event ORDER BY seq DESC LIMIT 1').get() as
    { seq: number; hash: string; device_id: string } | undefined;
  if (!chain) {
    // A new log (or one whose chain row was removed: it is anchored again at its stored ends).
    const first = db.prepare('SELECT seq, prev_hash FROM audit_event ORDER BY seq LIMIT 1').get() as
      { seq: number; prev_hash: string } | undefined;
    // A wiped log goes on as the device the keychain knows, so that its gap is declared in that chain.
    const deviceId = top?.device_id ?? known?.deviceId ?? randomUUID();
    const baseSeq = first ? first.seq - 1 : 0;
    const baseHash = first?.prev_hash ?? GENESIS_HASH;
    const headSeq = top?.seq ?? 0;
    const headHash = top?.hash ?? GENESIS_HASH;
    db.prepare(
      `INSERT INTO audit_chain (id, device_id, base_seq, base_hash, base_hmac, head_seq, head_hash, head_hmac)
       VALUES (1, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      deviceId,
      baseSeq,
      baseHash,
      anchorHmac('base', deviceId, baseSeq, baseHash),
      headSeq,
      headHash,
      anchorHmac('head', deviceId, headSeq, headHash),
    );
    chain = selectChain.get() as ChainRow;
  }
  const deviceId = chain.device_id;
  let head =
    top && top.seq > chain.head_seq
      ? { seq: top.seq, hash: top.hash }
      : { seq: chain.head_seq, hash: chain.head_hash };

  /** Appends after `from` (the head, or a declared gap's last missing sequence). */
  const appendAll = db.transaction(
    (events: readonly PendingAuditEvent[], from: { seq: number; hash: string }) => {
      let { seq, hash: prevHash } = from;
      const records: AuditRecord[] = [];
      for (const { event, at = now(), user = options.user?.() ?? null } of events) {
        seq += 1;
        const content: LinkContent = {
          v: AUDIT_CATALOG_VERSION,
          id: uuidv7({ msecs: at }),
          seq,
          at,
          deviceId,
          user,
          appVersion,
          type: event.type,
          details: event.details,
          prevHash,
        };
        const hash = linkHash(content);
        const details = canonical(event.details);
        insertEvent.run({ ...content, version: content.v, details, hash, hmac: eventHmac(hash) });
        records.push(toRecord({ id: content.id, seq, at, type: event.type, details }));
        prevHash = hash;
      }
      updateHead.run(seq, prevHash, anchorHmac('head', deviceId, seq, prevHash));
      return { records, head: { seq, hash: prevHash } };
    },
  );

  const purge = db.transaction((cutoff: number): number => {
    // The first event that must stay: undelivered, or not yet old enough.
    const keep = db
      .prepare('SELECT min(seq) AS seq FROM audit_event WHERE delivered_at IS NULL OR at >= ?')
      .get(cutoff) as { seq: number | null };
    const last = db
      .prepare(
        keep.seq === null
          ? 'SELECT seq, hash FROM audit_event ORDER BY seq DESC LIMIT 1'
          : 'SELECT seq, hash FROM audit_event WHERE seq < ? ORDER BY seq DESC LIMIT 1',
      )
      .get(...(keep.seq === null ? [] : [keep.seq])) as { seq: number; hash: string } | undefined;
    if (!last) return 0;
    const removed = db.prepare('DELETE FROM audit_event WHERE seq <= ?').run(last.seq).changes;
    db.prepare('UPDATE audit_chain SET base_seq = ?, base_hash = ?, base_hmac = ? WHERE id = 1').run(
      last.seq,
      last.hash,
      anchorHmac('base', deviceId, last.seq, last.hash),
    );
    return removed;
  });

  // The keychain learns every new head after its commit, one write at a time, the newest last. A crash in
  // between leaves it behind the log, which is no finding; only a log behind the keychain is.
  let writing: Promise<void> | null = null;
  let closed = false;
  const rememberHead = (): Promise<void> => {
    if (closed) return writing ?? Promise.resolve();
    const write = async () => {
      while (
        !closed &&
        (known?.seq !== head.seq || known.hash !== head.hash || known.deviceId !== deviceId)
      ) {
        const next = { deviceId, seq: head.seq, hash: head.hash };
        await options.secrets.set(AUDIT_HEAD_ITEM, JSON.stringify({ ...next, mac: keychainMac(next) }));
        known = next;
      }
    };
    writing ??= write().finally(() => {
      writing = null;
    });
    return writing;
  };
  const gapDeclared = db.prepare(`SELECT 1 FROM audit_event WHERE type = '${GAP_TYPE}' AND details = ?`);
  const appendGap = (gap: AuditEventOf<'audit.gapDetected'>['details']): AuditRecord | null => {
    const details = canonical(gap);
    if (gapDeclared.get(details)) return null;
    // Skipping the missing links keeps their sequence numbers for the copies the provider may hold.
    const skips = gap.device === deviceId && gap.missingFrom === head.seq + 1 && gap.missingTo > head.seq;
    const from = skips ? { seq: gap.missingTo, hash: head.hash } : head;
    const appended = appendAll([{ event: { type: GAP_TYPE, details: gap } }], from);
    head = appended.head;
    void rememberHead().catch(() => undefined);
    return appended.records[0]!;
  };

  // Compared with the keychain's last link before anything is appended: a wiped or older log declares the
  // links it lacks at once, in the chain of the device the keychain names.
  const behind = atOpening.keychain;
  if (behind && !behind.ok && known)
    appendGap({
      problem: behind.problem,
      detectedBy: 'keychain',
      device: known.deviceId,
      missingFrom: known.deviceId === deviceId ? Math.min(head.seq + 1, known.seq) : 1,
      missingTo: known.seq,
    });
  await rememberHead();

  const store: AuditStore = {
    deviceId,
    appVersion,
    openedWith,
    append(event, at) {
      return store.appendMany([at === undefined ? { event } : { event, at }])[0]!;
    },
    appendMany(events) {
      if (events.length === 0) return [];
      const appended = appendAll(events, head);
      // Only after the commit: a failed transaction leaves the head where it was.
      head = appended.head;
      void rememberHead().catch(() => undefined);
      return appended.records;
    },
    list() {
      return (
        db.prepare('SELECT id, seq, at, type, details FROM audit_event ORDER BY seq').all() as EventRow[]
      ).map(toRecord);
    },
    search({ types, from, to, limit }) {
      const where: string[] = [];
      const params: (string | number)[] = [];
      if (types) {
        where.push(`type IN (${types.map(() => '?').join(',') || 'NULL'})`);
        params.push(...types);
      }
      if (from !== undefined) {
        where.push('at >= ?');
        params.push(from);
      }
      if (to !== undefined) {
        where.push('at < ?');
        params.push(to);
      }
      const sql = `SELECT id, seq, at, type, details FROM audit_event ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq DESC LIMIT ?`;
      return (db.prepare(sql).all(...params, Math.max(0, Math.floor(limit))) as EventRow[]).map(toRecord);
    },
    latest<T extends AuditEventType>(type: T) {
      const row = db
        .prepare(
          'SELECT id, seq, at, type, details FROM audit_event WHERE type = ? ORDER BY seq DESC LIMIT 1',
        )
        .get(type) as EventRow | undefined;
      return row ? (toRecord(row) as AuditRecord & { details: AuditEventOf<T>['details'] }) : null;
    },
    lastAppVersion() {
      const row = db.prepare('SELECT app_version FROM audit_event ORDER BY seq DESC LIMIT 1').get() as
        { app_version: string } | undefined;
      return row?.app_version ?? null;
    },
    undelivered(limit) {
      return (
        (
          db
            // A declared gap goes first: the provider learns of it before the links that follow it.
            .prepare(
              `SELECT * FROM audit_event WHERE delivered_at IS NULL ORDER BY type = '${GAP_TYPE}' DESC, seq LIMIT ?`,
            )
            .all(Math.max(0, Math.floor(limit))) as EventRow[]
        ).map(toEnvelope)
      );
    },
    undeliveredCount() {
      return (
        db.prepare('SELECT count(*) AS n FROM audit_event WHERE delivered_at IS NULL').get() as { n: number }
      ).n;
    },
    markDelivered(ids, at) {
      const mark = db.prepare(
        'UPDATE audit_event SET delivered_at = ? WHERE id = ? AND delivered_at IS NULL',
      );
      return db.transaction(() => ids.reduce((changed, id) => changed + mark.run(at, id).changes, 0))();
    },
    purgeDelivered: (cutoff) => purge(cutoff),
    verify,
    headSequence: () => head.seq,
    declareGap: (gap) => appendGap({ ...gap, device: deviceId }),
    async close() {
      await rememberHead().catch(() => undefined);
      closed = true;
      await writing;
    },
  };
  return store;
}
