import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMemorySecretStore } from '../../testing/memory-secret-store.js';
import { CALL_ENTRY_COLUMNS } from './call-entry.js';
import { openEncryptedDatabase, type SqlDatabase } from './database.js';
import { createHistoryStore, DELETE_CHUNK, type HistoryStore } from './history.js';

let dir: string;
let db: SqlDatabase;
let history: HistoryStore;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'history-'));
  db = await openEncryptedDatabase(join(dir, 'softphone.db'), createMemorySecretStore());
  history = createHistoryStore(db);
});
afterEach(async () => {
  if (db.open) db.close();
  await rm(dir, { recursive: true, force: true });
});

function addCall(id: string, at: number): void {
  history.apply({
    type: 'started',
    callId: id,
    at,
    direction: 'incoming',
    account: 'sip:me@example.eu',
    remoteUri: `sip:+4930${at}@example.eu`,
    remoteName: `Caller ${id}`,
  });
}

function addCalls(count: number, from = 0): void {
  db.transaction(() => {
    for (let i = from; i < from + count; i += 1) addCall(`c${i}`, 1_000_000 + i);
  })();
}

/** Counts event-loop turns while `work` runs: a chunked delete must give others a turn. */
async function turnsDuring<T>(work: Promise<T>): Promise<{ result: T; turns: number }> {
  let turns = 0;
  let done = false;
  const tick = (): void => {
    if (done) return;
    turns += 1;
    setImmediate(tick);
  };
  setImmediate(tick);
  const result = await work;
  done = true;
  return { result, turns };
}

describe('long deletions run in chunks', () => {
  it('deletes every call, yielding to the event loop between chunks', async () => {
    addCalls(DELETE_CHUNK * 3 + 10);
    const { result, turns } = await turnsDuring(history.deleteAll());
    expect(result).toBe(DELETE_CHUNK * 3 + 10);
    expect(turns).toBeGreaterThanOrEqual(2);
    expect(history.list({ limit: 10 })).toEqual([]);
    expect(history.search('Caller')).toEqual([]);
  });

  it('keeps a call that ends while "delete all" is under way', async () => {
    addCalls(DELETE_CHUNK * 2);
    const deletion = history.deleteAll();
    addCall('late', 9_000_000);
    expect(await deletion).toBe(DELETE_CHUNK * 2);
    expect(history.list({ limit: 10 }).map((call) => call.id)).toEqual(['late']);
  });

  it('purges only calls older than the cutoff', async () => {
    addCalls(DELETE_CHUNK + 5);
    const cutoff = 1_000_000 + 100;
    expect(await history.purgeBefore(cutoff)).toBe(100);
    const left = db.prepare('SELECT count(*) AS n, min(started_at) AS oldest FROM call').get();
    expect(left).toEqual({ n: DELETE_CHUNK + 5 - 100, oldest: cutoff });
  });
});

describe('search', () => {
  /** The number search as a plain query: every match of the prefix, sorted newest first. */
  const byNumber = (prefix: string, limit: number) =>
    (
      db
        .prepare(
          `SELECT id FROM call WHERE remote_digits >= ? AND remote_digits < ?
             ORDER BY started_at DESC, id DESC LIMIT ?`,
        )
        .all(prefix, `${prefix}:`, limit) as { id: string }[]
    ).map((row) => row.id);

  function addNumbered(id: string, at: number, number: string): void {
    history.apply({
      type: 'started',
      callId: id,
      at,
      direction: 'outgoing',
      account: 'sip:me@example.eu',
      remoteUri: `sip:+${number}@example.eu`,
      remoteName: null,
    });
  }

  it('finds a number prefix over several numbers, newest first, up to the limit', () => {
    db.transaction(() => {
      for (let i = 0; i < 60; i += 1)
        addNumbered(`n${i}`, 1_000 + i, ['4930111', '4930222', '4930333'][i % 3]!);
      addNumbered('other', 5_000, '4940111');
    })();
    const ids = (query: string, limit?: number) => history.search(query, limit).map((call) => call.id);
    expect(ids('+49 30', 7)).toEqual(byNumber('4930', 7));
    expect(ids('+49 30', 7)).toEqual(['n59', 'n58', 'n57', 'n56', 'n55', 'n54', 'n53']);
    expect(ids('(030) 222')).toEqual([]);
    expect(ids('4930222')).toEqual(byNumber('4930222', 50));
    expect(ids('4930222')).toHaveLength(20);
    expect(ids('49')).toEqual(byNumber('49', 50));
    expect(ids('4950')).toEqual([]);
    // Full records, like the list's.
    expect(history.search('4930111', 1)).toEqual(history.list({ limit: 50 }).filter((c) => c.id === 'n57'));
  });

  it('merges the newest calls of a few numbers with many calls each', () => {
    db.transaction(() => {
      // Start times in a shuffled order (7919 is prime to 600), so that index order is not time order.
      for (let i = 0; i < 600; i += 1)
        addNumbered(`f${i}`, 3_000 + ((i * 7919) % 600), ['4970111', '4970222', '4970333'][i % 3]!);
      addNumbered('near', 9_999, '4971000');
    })();
    const ids = (query: string, limit?: number) => history.search(query, limit).map((call) => call.id);
    expect(ids('4970')).toEqual(byNumber('4970', 50));
    expect(ids('4970', 7)).toEqual(byNumber('4970', 7));
    expect(ids('4970222', 10)).toEqual(byNumber('4970222', 10));
    expect(ids('497')).toEqual(byNumber('497', 50));
    expect(ids('497', 1)).toEqual(['near']);
  });

  it('finds a short prefix of many numbers, newest first, in one sorted read', () => {
    db.transaction(() => {
      for (let i = 0; i < 120; i += 1) addNumbered(`m${i}`, 2_000 + ((i * 37) % 120), `4940${i % 40}`);
    })();
    const ids = history.search('4940', 25).map((call) => call.id);
    expect(ids).toEqual(byNumber('4940', 25));
    expect(ids).toHaveLength(25);
  });

  it('finds a short prefix among the newest calls, or else among all of them', () => {
    db.transaction(() => {
      for (let i = 0; i < 100; i += 1) addNumbered(`old${i}`, 10_000 + i, `4950${i % 20}`);
      for (let i = 0; i < 5_000; i += 1) addNumbered(`new${i}`, 20_000 + (i % 2_500), `4960${i % 20}`);
    })();
    const ids = (query: string) => history.search(query, 10).map((call) => call.id);
    expect(ids('4960')).toEqual(byNumber('4960', 10));
    expect(ids('4950')).toEqual(byNumber('4950', 10));
    expect(ids('49')).toEqual(byNumber('49', 10));
    expect(ids('4950')).toEqual([
      'old99',
      'old98',
      'old97',
      'old96',
      'old95',
      'old94',
      'old93',
      'old92',
      'old91',
      'old90',
    ]);
  });

  it('keeps the list of numbers in step with the calls', async () => {
    db.transaction(() => {
      addNumbered('a1', 100, '4930111');
      addNumbered('a2', 200, '4930111');
      addNumbered('b1', 300, '4930222');
    })();
    const numbers = () => db.prepare('SELECT digits FROM call_number ORDER BY digits').pluck().all();
    expect(numbers()).toEqual(['4930111', '4930222']);
    history.delete('a1');
    expect(numbers()).toEqual(['4930111', '4930222']);
    history.delete('a2');
    expect(numbers()).toEqual(['4930222']);
    expect(history.search('4930111')).toEqual([]);
    db.prepare("UPDATE call SET remote_digits = '4930333' WHERE id = 'b1'").run();
    expect(numbers()).toEqual(['4930333']);
    expect(history.search('4930333').map((call) => call.id)).toEqual(['b1']);
    await history.deleteAll();
    expect(numbers()).toEqual([]);
  });

  it('reads every call back exactly from its compact entry in the number index', () => {
    const dispositions = ['answered', 'missed', 'declined', 'busy', 'failed', 'cancelled'] as const;
    const dtlsStates = ['new', 'connecting', 'connected', 'closed', 'failed', null] as const;
    const ciphers = ['AES_CM_128_HMAC_SHA1_80', 'AEAD_AES_256_GCM', 'AEAD_SOMETHING_NEW', null] as const;
    const scopes = ['peer', 'to-provider', 'unknown'] as const;
    const causes = ['hung-up', 'no-audio', 'Canceled', 'Bad Media Description'] as const;
    const uris = [
      'sip:+4930111@example.eu',
      'sip:4930222@example.eu',
      'sip:+4930333@other.example',
      'sip:+4930444@example.eu;user=phone',
      'sips:+4930555@example.eu',
    ] as const;
    db.transaction(() => {
      for (let i = 0; i < 90; i += 1) {
        const callId = `e${i}`;
        const at = 1_000_000 + i * 100_000;
        history.apply({
          type: 'started',
          callId,
          at,
          direction: i % 2 ? 'incoming' : 'outgoing',
          account: i % 9 === 4 ? 'sip:second@example.eu:5061' : 'sip:me@example.eu',
          remoteUri: uris[i % uris.length]!,
          remoteName: i % 4 ? `Caller ${i}` : null,
        });
        if (i % 3) history.apply({ type: 'answered', callId, at: at + 7_000 });
        if (i % 4 !== 3)
          history.apply({
            type: 'encryption',
            callId,
            at: at + 7_500,
            encryption: {
              dtlsState: dtlsStates[i % dtlsStates.length]!,
              srtpCipher: ciphers[i % ciphers.length]!,
              scope: scopes[i % scopes.length]!,
            },
          });
        if (i % 5 < 2) history.apply({ type: 'sasCompared', callId, at: at + 9_000, matched: i % 5 === 0 });
        // Every eighth call is still going on: no end, no disposition, no duration.
        if (i % 8 !== 7)
          history.apply({
            type: 'ended',
            callId,
            at: at + 65_000,
            disposition: dispositions[i % dispositions.length]!,
            cause: causes[i % causes.length]!,
          });
      }
    })();
    const listed = new Map(history.list({ limit: 500 }).map((call) => [call.id, call]));
    const found = history.search('4930', 500);
    expect(found).toHaveLength(90);
    for (const call of found) expect(call).toEqual(listed.get(call.id));
    expect(new Set(found.map((call) => call.remoteUri))).toEqual(new Set(uris));
    // What is read comes from the index alone, not from the table's pages.
    const plan = db
      .prepare(
        `EXPLAIN QUERY PLAN SELECT ${CALL_ENTRY_COLUMNS} FROM call WHERE remote_digits >= ? AND remote_digits < ?
           ORDER BY started_at DESC, id DESC LIMIT ?`,
      )
      .all('4930', '4930:', 50)
      .map((row) => (row as { detail: string }).detail);
    expect(plan[0]).toBe(
      'SEARCH call USING COVERING INDEX call_number_rows (remote_digits>? AND remote_digits<?)',
    );
  });

  it('finds names by word prefix, newest first', () => {
    addCalls(30);
    expect(history.search('Call c2', 5).map((call) => call.id)).toEqual(['c29', 'c28', 'c27', 'c26', 'c25']);
    expect(history.search('caller C1').map((call) => call.id)).toEqual([
      'c19',
      'c18',
      'c17',
      'c16',
      'c15',
      'c14',
      'c13',
      'c12',
      'c11',
      'c10',
      'c1',
    ]);
  });

  it('writes full-text leaves that fit an encrypted page, without overflow pages', () => {
    db.transaction(() => {
      for (let i = 0; i < 4_000; i += 1) addNumbered(`f${i}`, i, `49301${i}`);
    })();
    // SQLCipher 4 keeps 80 of each 4096-byte page for IV and HMAC; a table row fits in 4016 - 35 bytes.
    const largest = db.prepare('SELECT max(length(block)) FROM call_fts_data').pluck().get() as number;
    expect(largest).toBeGreaterThan(3_000);
    expect(largest).toBeLessThanOrEqual(4016 - 35 - 4);
    const overflow = db
      .prepare("SELECT count(*) FROM dbstat WHERE name = 'call_fts_data' AND pagetype = 'overflow'")
      .pluck()
      .get();
    expect(overflow).toBe(0);
  });
});
