import canonicalize from 'canonicalize';
import { createHash, createHmac } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validate as isUuid, version as uuidVersion } from 'uuid';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AUDIT_CATALOG_VERSION, AuditEnvelope, type AuditEvent } from '../../shared/audit/catalog.js';
import { auditAttacker, type AuditRow } from '../../testing/audit-attacker.js';
import { createMemorySecretStore } from '../../testing/memory-secret-store.js';
import type { SecretStore } from '../secrets/secret-store.js';
import { openEncryptedDatabase, type SqlDatabase } from '../storage/database.js';
import {
  AUDIT_HMAC_KEY_ITEM,
  AuditEventError,
  GENESIS_HASH,
  linkHash,
  openAuditStore,
  parseAuditEvent,
  type AuditStore,
} from './audit-store.js';
import { createAuditTrail } from './audit-trail.js';

const T0 = Date.UTC(2026, 10, 25, 10, 0, 0);
let dir: string;
let path: string;
let secrets: SecretStore;
let db: SqlDatabase | null = null;
let clock: number;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'audit-store-'));
  path = join(dir, 'softphone.db');
  secrets = createMemorySecretStore();
  clock = T0;
});
afterEach(async () => {
  db?.close();
  db = null;
  await rm(dir, { recursive: true, force: true });
});

/** Opens (or reopens) the encrypted database and the audit store on it, as the app does at start. */
async function open(appVersion = '1.0.0', user: string | null = null): Promise<AuditStore> {
  db?.close();
  db = await openEncryptedDatabase(path, secrets);
  return openAuditStore({ db, secrets, appVersion, now: () => (clock += 1000), user: () => user });
}

const locked = (reason: 'idle' | 'os-lock' | 'user'): AuditEvent => ({
  type: 'session.locked',
  details: { reason },
});

/** A log of six events, closed again. */
async function sixEvents(): Promise<void> {
  const store = await open();
  store.append({ type: 'app.started', details: { runtime: 'shell', platform: 'linux' } });
  store.append(locked('idle'));
  store.append({ type: 'session.unlocked', details: { reauthenticated: true } });
  store.append(locked('os-lock'));
  store.append({ type: 'data.deleted', details: { scope: 'call-history', count: 12 } });
  store.append(locked('user'));
}

type Row = AuditRow;

/** The attacker on the open database (testing/audit-attacker.ts). */
const attacker = () => auditAttacker(db!);

describe('recording', () => {
  it('validates against the catalog with a typed error', async () => {
    expect(() => parseAuditEvent({ type: 'session.started', details: {} })).toThrow(AuditEventError);
    try {
      parseAuditEvent({ type: 'session.started', details: {} });
    } catch (error) {
      expect(error).toMatchObject({ reason: 'unknown-type', eventType: 'session.started' });
    }
    try {
      parseAuditEvent({ type: 'data.purged', details: { scope: 'call-history', count: 'many' } });
    } catch (error) {
      expect(error).toMatchObject({
        reason: 'invalid-details',
        fields: ['details.count', 'details.retentionDays'],
      });
    }
    const trail = createAuditTrail({ now: () => T0 });
    trail.attach(await open());
    await expect(trail.record({ type: 'call.recorded', details: {} })).rejects.toBeInstanceOf(
      AuditEventError,
    );
    await expect(
      trail.record({ type: 'session.locked', details: { reason: 'bored' } }),
    ).rejects.toMatchObject({
      reason: 'invalid-details',
    });
    expect(await trail.list()).toEqual([]);
  });

  it('writes envelopes the provider can check: UUIDv7, sequence, canonical hash, HMAC, previous hash', async () => {
    const store = await open('2.0.0', 'user-7f3a');
    const first = store.append({ type: 'app.started', details: { runtime: 'electron', platform: 'darwin' } });
    store.append(locked('idle'));
    expect(first).toEqual({
      id: expect.any(String),
      sequence: 1,
      at: T0 + 1000,
      type: 'app.started',
      details: { runtime: 'electron', platform: 'darwin' },
    });
    const envelopes = store.undelivered(10);
    expect(envelopes).toHaveLength(2);
    const key = Buffer.from((await secrets.get(AUDIT_HMAC_KEY_ITEM))!, 'hex');
    let prevHash = GENESIS_HASH;
    for (const [index, envelope] of envelopes.entries()) {
      expect(AuditEnvelope.parse(envelope)).toEqual(envelope);
      expect(isUuid(envelope.id) && uuidVersion(envelope.id)).toBe(7);
      expect(envelope).toMatchObject({
        v: AUDIT_CATALOG_VERSION,
        seq: index + 1,
        deviceId: store.deviceId,
        user: 'user-7f3a',
        appVersion: '2.0.0',
        prevHash,
      });
      // Recomputed from the envelope alone, the way the provider can: RFC 8785 over all but hash and hmac.
      const { hash, hmac, ...content } = envelope;
      expect(createHash('sha256').update(canonicalize(content)!).digest('hex')).toBe(hash);
      expect(createHmac('sha256', key).update(hash).digest('hex')).toBe(hmac);
      prevHash = hash;
    }
    expect(envelopes[0]!.time).toBe(new Date(T0 + 1000).toISOString());
    // UUIDv7 carries the event's time.
    expect(parseInt(envelopes[0]!.id.replace(/-/g, '').slice(0, 12), 16)).toBe(T0 + 1000);
    expect(store.verify()).toEqual({ ok: true, count: 2, lastSequence: 2 });
  });

  it('lists oldest first and continues the same chain, device and sequence after reopening', async () => {
    await sixEvents();
    const before = await open();
    const deviceId = before.deviceId;
    expect(before.openedWith).toEqual({ ok: true, count: 6, lastSequence: 6 });
    expect(before.list().map((record) => record.sequence)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(before.list()[4]).toMatchObject({
      type: 'data.deleted',
      details: { scope: 'call-history', count: 12 },
    });
    const after = await open();
    expect(after.deviceId).toBe(deviceId);
    expect(after.append(locked('idle')).sequence).toBe(7);
    expect(after.verify()).toEqual({ ok: true, count: 7, lastSequence: 7 });
    expect(after.latest('session.locked')).toMatchObject({ sequence: 7, details: { reason: 'idle' } });
    expect(after.lastAppVersion()).toBe('1.0.0');
  });

  it('refuses, in the database itself, to change a stored event or delete an undelivered one', async () => {
    await sixEvents();
    await open();
    expect(() => db!.prepare("UPDATE audit_event SET details = '{}' WHERE seq = 2").run()).toThrow(
      /append-only/,
    );
    expect(() => db!.prepare('DELETE FROM audit_event WHERE seq = 2').run()).toThrow(/never deleted/);
  });
});

describe('verify() finds the first bad link', () => {
  beforeEach(sixEvents);

  it('an edited event', async () => {
    await open();
    attacker().exec(`UPDATE audit_event SET details = '{"reason":"user"}' WHERE seq = 4`);
    expect((await open()).verify()).toEqual({ ok: false, problem: 'altered', sequence: 4, count: 3 });
  });

  it('an edited event whose hash and later links were recomputed without the HMAC key', async () => {
    await open();
    attacker().rewriteFrom(3, { reauthenticated: false });
    expect((await open()).verify()).toEqual({ ok: false, problem: 'forged', sequence: 3, count: 2 });
  });

  it('a deleted event', async () => {
    await open();
    attacker().exec('DELETE FROM audit_event WHERE seq = 3');
    expect((await open()).verify()).toEqual({ ok: false, problem: 'missing', sequence: 3, count: 2 });
  });

  it('events cut off the end', async () => {
    await open();
    attacker().exec('DELETE FROM audit_event WHERE seq >= 5');
    expect((await open()).verify()).toEqual({ ok: false, problem: 'missing', sequence: 5, count: 4 });
  });

  it('two events swapped', async () => {
    await open();
    attacker().swap(2, 3);
    expect((await open()).verify()).toEqual({ ok: false, problem: 'reordered', sequence: 2, count: 1 });
  });

  it('an event added without the HMAC key', async () => {
    await open();
    const evil = attacker();
    const last = evil.row(6);
    const content = {
      v: 1,
      id: '01900000-0000-7000-8000-000000000007',
      seq: 7,
      at: last.at + 1,
      deviceId: last.device_id as string,
      user: null,
      appVersion: '1.0.0',
      type: 'session.unlocked',
      details: { reauthenticated: true },
      prevHash: last.hash,
    };
    const hash = linkHash(content);
    evil.exec(
      `INSERT INTO audit_event (seq, id, version, at, device_id, user_id, app_version, type, details, prev_hash, hash, hmac)
       VALUES (7, ?, 1, ?, ?, NULL, '1.0.0', 'session.unlocked', '{"reauthenticated":true}', ?, ?, ?)`,
      content.id,
      content.at,
      content.deviceId,
      last.hash,
      hash,
      createHash('sha256').update(hash).digest('hex'),
    );
    evil.exec('UPDATE audit_chain SET head_seq = 7, head_hash = ?', hash);
    expect((await open()).verify()).toEqual({ ok: false, problem: 'forged', sequence: 7, count: 6 });
  });

  it('an older head put back, so that the newest events could be dropped unnoticed', async () => {
    const store = await open();
    const oldHead = db!.prepare('SELECT * FROM audit_chain').get() as Record<string, unknown>;
    store.append(locked('idle'));
    store.append(locked('user'));
    attacker().exec(
      'UPDATE audit_chain SET head_seq = ?, head_hash = ?, head_hmac = ?',
      oldHead.head_seq,
      oldHead.head_hash,
      oldHead.head_hmac,
    );
    expect((await open()).verify()).toEqual({ ok: false, problem: 'forged', sequence: 7, count: 8 });
  });

  it('an authentic event spliced in from an older copy of the log', async () => {
    // A copy of the database after five events, continued differently: both copies have an authentic
    // event 5, but only one of them is linked from this log's event 6.
    await open();
    db!.exec(`VACUUM INTO '${join(dir, 'fork.db')}'`);
    const mainDb = db!;
    db = await openEncryptedDatabase(join(dir, 'fork.db'), secrets);
    db.exec('DROP TRIGGER audit_event_keep_undelivered; DELETE FROM audit_event WHERE seq >= 5;');
    // The copy as it was after four events (its chain row too), then continued with another event 5.
    db.prepare(
      'UPDATE audit_chain SET head_seq = 4, head_hash = (SELECT hash FROM audit_event WHERE seq = 4)',
    ).run();
    const forkStore = await openAuditStore({ db, secrets, appVersion: '1.0.0', now: () => (clock += 1000) });
    forkStore.append({ type: 'data.deleted', details: { scope: 'all', count: null } });
    const spliced = db.prepare('SELECT * FROM audit_event WHERE seq = 5').get() as Row;
    db.close();
    db = mainDb;
    const evil = attacker();
    evil.exec(
      `UPDATE audit_event SET id = ?, at = ?, type = ?, details = ?, prev_hash = ?, hash = ?, hmac = ? WHERE seq = 5`,
      spliced.id,
      spliced.at,
      spliced.type,
      spliced.details,
      spliced.prev_hash,
      spliced.hash,
      spliced.hmac,
    );
    expect((await open()).verify()).toEqual({ ok: false, problem: 'broken', sequence: 6, count: 5 });
  });

  it('a removed chain row, and a key that is not the one the log was written with', async () => {
    await open();
    attacker().exec('DELETE FROM audit_chain');
    expect((await open()).openedWith).toEqual({ ok: false, problem: 'forged', sequence: 1, count: 0 });

    await secrets.delete(AUDIT_HMAC_KEY_ITEM);
    const store = await open();
    expect(await secrets.get(AUDIT_HMAC_KEY_ITEM)).toMatch(/^[0-9a-f]{64}$/);
    expect(store.openedWith).toEqual({ ok: false, problem: 'forged', sequence: 1, count: 0 });
  });
});

describe('opening a broken chain', () => {
  it('records audit.chainBroken once per break, after the events that waited, and keeps appending', async () => {
    await sixEvents();
    await open();
    attacker().exec('DELETE FROM audit_event WHERE seq = 2');
    const trail = createAuditTrail({ now: () => T0 + 99_000 });
    await trail.record({ type: 'keychain.unavailable', details: { reason: 'locked' } });
    trail.attach(await open());
    const types = (await trail.list()).map((record) => [record.sequence, record.type]);
    expect(types.slice(-2)).toEqual([
      [7, 'keychain.unavailable'],
      [8, 'audit.chainBroken'],
    ]);
    expect((await trail.list()).at(-1)?.details).toEqual({ problem: 'missing', sequence: 2 });
    expect((await trail.list()).at(-2)?.at).toBe(T0 + 99_000);
    // Still the same first break: not recorded again at the next start.
    trail.detach();
    trail.attach(await open());
    expect((await trail.list()).filter((record) => record.type === 'audit.chainBroken')).toHaveLength(1);
    expect(await trail.verify()).toEqual({ ok: false, problem: 'missing', sequence: 2, count: 1 });
  });

  it('an intact chain records nothing at opening; a new app version records app.updated', async () => {
    await sixEvents();
    const trail = createAuditTrail({ now: () => T0 });
    trail.attach(await open('1.0.0'));
    expect(await trail.list()).toHaveLength(6);
    trail.attach(await open('1.1.0'));
    expect((await trail.list()).at(-1)).toMatchObject({
      sequence: 7,
      type: 'app.updated',
      details: { from: '1.0.0', to: '1.1.0' },
    });
    expect(await trail.verify()).toEqual({ ok: true, count: 7, lastSequence: 7 });
  });
});

describe('delivery bookkeeping', () => {
  it('purges only delivered events, oldest first, and the rest still verifies', async () => {
    await sixEvents();
    const store = await open();
    const ids = store.undelivered(10).map((envelope) => envelope.id);
    expect(ids).toHaveLength(6);
    // 1, 2 and 4 delivered: only 1 and 2 can go, 3 is not delivered yet and stops the purge.
    expect(store.markDelivered([ids[0]!, ids[1]!, ids[3]!], T0 + 10_000)).toBe(3);
    expect(store.markDelivered([ids[0]!], T0 + 20_000)).toBe(0);
    expect(store.undelivered(10).map((envelope) => envelope.seq)).toEqual([3, 5, 6]);
    expect(store.purgeDelivered(T0 + 1_000_000)).toBe(2);
    expect(store.list().map((record) => record.sequence)).toEqual([3, 4, 5, 6]);
    expect(store.verify()).toEqual({ ok: true, count: 4, lastSequence: 6 });
    // Not old enough yet: nothing goes.
    store.markDelivered([ids[2]!], T0 + 30_000);
    expect(store.purgeDelivered(T0)).toBe(0);
    expect((await open()).verify()).toEqual({ ok: true, count: 4, lastSequence: 6 });
  });

  it('an attacker cannot purge undelivered events by marking them delivered', async () => {
    await sixEvents();
    await open();
    attacker().exec('DELETE FROM audit_event WHERE seq <= 2');
    expect((await open()).verify()).toEqual({ ok: false, problem: 'missing', sequence: 1, count: 0 });
  });
});

describe('the audit trail while the database is open', () => {
  it('commits the events of one turn together, in the order of the calls, before record() resolves', async () => {
    const trail = createAuditTrail({ now: () => T0 });
    trail.attach(await open());
    const reasons = Array.from({ length: 300 }, (_, n) => (['idle', 'os-lock', 'user'] as const)[n % 3]!);
    const recorded = reasons.map((reason) => trail.record(locked(reason)));
    const stored = () => (db!.prepare('SELECT count(*) AS n FROM audit_event').get() as { n: number }).n;
    expect(stored()).toBe(0);
    await Promise.all(recorded);
    expect(stored()).toBe(300);
    expect((await trail.list()).map((record) => record.details.reason)).toEqual(reasons);
    // Closing commits what is queued to the store it was recorded for.
    void trail.record(locked('user'));
    trail.detach();
    expect(stored()).toBe(301);
    expect((await open()).verify()).toEqual({ ok: true, count: 301, lastSequence: 301 });
  });
});

describe('the audit trail while the database is closed', () => {
  it('holds events in memory with their times, refuses to list, and limits the renderer', async () => {
    let now = T0;
    const trail = createAuditTrail({ now: () => now, rendererPerMinute: 2, maxPending: 3 });
    await trail.record({ type: 'database.openFailed', details: { reason: 'wrong-key' } });
    await expect(trail.list()).rejects.toMatchObject({ code: 'not-available' });
    await expect(trail.verify()).rejects.toMatchObject({ code: 'not-available' });
    const sas = { type: 'call.sasMismatchReported', details: { callId: 'c1' } } as const;
    now += 1000;
    await trail.reportFromRenderer(sas);
    await trail.reportFromRenderer(sas);
    await expect(trail.reportFromRenderer(sas)).rejects.toMatchObject({ code: 'refused' });
    now += 60_000;
    await expect(trail.record(locked('idle'))).rejects.toMatchObject({ code: 'not-available' });
    trail.attach(await open());
    await trail.reportFromRenderer(sas);
    expect((await trail.list()).map(({ sequence, type, at }) => ({ sequence, type, at }))).toEqual([
      { sequence: 1, type: 'database.openFailed', at: T0 },
      { sequence: 2, type: 'call.sasMismatchReported', at: T0 + 1000 },
      { sequence: 3, type: 'call.sasMismatchReported', at: T0 + 1000 },
      { sequence: 4, type: 'call.sasMismatchReported', at: T0 + 61_000 },
    ]);
    expect(await trail.verify()).toEqual({ ok: true, count: 4, lastSequence: 4 });
  });
});

describe('the user in each event', () => {
  it('is who was signed in when the event was recorded, also for events that waited for the database', async () => {
    let subject: string | null = null;
    const trail = createAuditTrail({ now: () => (clock += 1000), user: () => subject });
    await trail.record(locked('idle'));
    subject = 'sub-anna';
    await trail.record({ type: 'session.unlocked', details: { reauthenticated: false } });
    subject = 'sub-bert';
    trail.attach(await open());
    await trail.record(locked('user'));
    subject = null;
    await trail.record({ type: 'auth.signedOut', details: { reason: 'user' } });
    expect((await open()).undelivered(10).map((envelope) => envelope.user)).toEqual([
      null,
      'sub-anna',
      'sub-bert',
      null,
    ]);
  });
});
