import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMemorySecretStore } from '../secrets/memory-secret-store.js';
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
