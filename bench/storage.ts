// Call history at 1,000,000 rows: the app's own storage code on an encrypted (SQLCipher) database and
// on a plain one, side by side. The key comes from the keychain in the app; here it is passed in, so
// that the keychain's latency does not blur the database's.
import Database from 'better-sqlite3-multiple-ciphers';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { configureConnection, migrate, type SqlDatabase } from '../electron/storage/database.js';
import { createContactStore } from '../electron/storage/contacts.js';
import { createHistoryStore } from '../electron/storage/history.js';
import { percentile, type BenchReport, type Metric } from './report.js';

const ROWS = 1_000_000;
const QUERIES = 300;
/** An imported company directory: caller ID looks every history row's number up in it. */
const CONTACTS = 1_000;
const FIRST = [
  'Anna',
  'Ben',
  'Clara',
  'David',
  'Emma',
  'Felix',
  'Greta',
  'Hannes',
  'Ida',
  'Jonas',
  'Klara',
  'Lukas',
  'Marie',
  'Noah',
  'Olga',
  'Paul',
  'Rosa',
  'Stefan',
  'Tina',
  'Uwe',
];
const LAST = [
  'Müller',
  'Schmidt',
  'Schneider',
  'Fischer',
  'Weber',
  'Meyer',
  'Wagner',
  'Becker',
  'Schulz',
  'Hoffmann',
  'Koch',
  'Richter',
  'Klein',
  'Wolf',
  'Schröder',
  'Neumann',
  'Schwarz',
  'Zimmermann',
  'Braun',
  'Krüger',
];

function open(path: string, key: string | null): SqlDatabase {
  const db = new Database(path);
  if (key) {
    db.pragma(`cipher='sqlcipher'`);
    db.pragma(`key="x'${key}'"`);
  }
  db.prepare('SELECT count(*) FROM sqlite_master').get();
  configureConnection(db);
  migrate(db);
  return db;
}

let seed = 42;
// The classic LCG in exact 32-bit arithmetic: with doubles, seed * 1103515245 exceeds 2^53 and rounds,
// and the sequence fell into a loop of 10,466 draws (only 5,680 distinct numbers in a million calls).
const random = () => (seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff) / 2 ** 31;
const pick = <T>(list: T[]) => list[Math.floor(random() * list.length)]!;
const digits = (n: number) => Array.from({ length: n }, () => Math.floor(random() * 10)).join('');

/** Builds the history of ROWS calls with the app's own code; returns calls inserted per second. */
function build(path: string, key: string | null): number {
  seed = 42;
  const db = open(path, key);
  const history = createHistoryStore(db);
  const started = performance.now();
  const batch = 10_000;
  for (let done = 0; done < ROWS; done += batch) {
    db.transaction(() => {
      for (let i = done; i < done + batch; i += 1) {
        const at = 1_700_000_000_000 + i * 60_000;
        const direction = i % 3 ? 'outgoing' : 'incoming';
        // Ids as long as JsSIP's (Call-ID of 20 characters and a tag of 10): they are in every index entry.
        const callId = `jssip${i.toString(36).padStart(15, '0')}${(Math.imul(i, 2654435761) >>> 0).toString(36).padStart(10, '0')}`;
        history.apply({
          type: 'started',
          callId,
          at,
          direction,
          account: 'sip:me@example.eu',
          remoteUri: `sip:+49${digits(10)}@example.eu`,
          remoteName: `${pick(FIRST)} ${pick(LAST)}`,
        });
        // Six calls in seven are answered, with what an answered call records: its encryption and the SAS.
        if (i % 7) {
          history.apply({ type: 'answered', callId, at: at + 5_000 });
          history.apply({
            type: 'encryption',
            callId,
            at: at + 5_200,
            encryption: {
              dtlsState: 'connected',
              srtpCipher: 'AES_CM_128_HMAC_SHA1_80',
              scope: i % 2 ? 'peer' : 'to-provider',
            },
          });
          if (i % 2) history.apply({ type: 'sasCompared', callId, at: at + 9_000, matched: true });
        }
        history.apply({
          type: 'ended',
          callId,
          at: at + (i % 7 ? 185_000 : 30_000),
          disposition: i % 7 ? 'answered' : direction === 'incoming' ? 'missed' : 'cancelled',
          cause:
            i % 7
              ? i % 3
                ? 'hung-up'
                : 'far-end-hung-up'
              : direction === 'incoming'
                ? 'missed'
                : 'cancelled',
        });
      }
    })();
  }
  const rate = ROWS / ((performance.now() - started) / 1000);
  const contacts = createContactStore(db, { defaultCountry: () => 'DE' });
  db.transaction(() => {
    for (let i = 0; i < CONTACTS; i += 1)
      contacts.create({
        name: `${pick(FIRST)} ${pick(LAST)}`,
        organisation: 'Beispiel GmbH',
        numbers: [{ label: 'work', number: `+49 ${digits(3)} ${digits(7)}` }],
      });
  })();
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  return rate;
}

/** Read system calls of this process so far (Linux): each is a page SQLite did not find in its cache. */
function readCalls(): number {
  try {
    return Number(/syscr: (\d+)/.exec(readFileSync('/proc/self/io', 'utf8'))?.[1] ?? NaN);
  } catch {
    return NaN;
  }
}

type Label = 'encrypted' | 'plain';
const LABELS: readonly Label[] = ['encrypted', 'plain'];

/**
 * Runs every query on both databases, interleaved and alternating which goes first, so that the load
 * of this shared machine falls on both alike. Returns the times and the pages read from disk.
 */
function sideBySide(
  queries: readonly string[],
  run: Record<Label, (query: string) => unknown>,
): Record<Label, { ms: number[]; reads: number[] }> {
  const out: Record<Label, { ms: number[]; reads: number[] }> = {
    encrypted: { ms: [], reads: [] },
    plain: { ms: [], reads: [] },
  };
  // Reading /proc/self/io takes read calls of its own: measured with nothing in between, and subtracted.
  const start = readCalls();
  const own = readCalls() - start;
  queries.forEach((query, i) => {
    for (const label of i % 2 ? [...LABELS].reverse() : LABELS) {
      const reads = readCalls();
      const t = performance.now();
      run[label](query);
      out[label].ms.push(performance.now() - t);
      out[label].reads.push(readCalls() - reads - own);
    }
  });
  return out;
}

async function measure(dir: string, key: string): Promise<Record<string, Metric>> {
  const keys: Record<Label, string | null> = { encrypted: key, plain: null };
  const path = (label: Label) => join(dir, `${label}.db`);
  const insertRate = { encrypted: build(path('encrypted'), key), plain: build(path('plain'), null) };
  // The same seeded queries for both: the generator continues where the (identical) builds left it.
  const numberQueries = Array.from({ length: QUERIES }, () => `+49 ${digits(4)}`);
  const numberQueriesWithoutNames = Array.from({ length: QUERIES }, () => `+49 ${digits(4)}`);
  const nameQueries = Array.from(
    { length: QUERIES },
    () => `${pick(FIRST).slice(0, 3)} ${pick(LAST).slice(0, 4)}`,
  );

  // Open: what the app does at start before the first query (the key already read from the keychain).
  const opens: Record<Label, number[]> = { encrypted: [], plain: [] };
  const dbs = {} as Record<Label, SqlDatabase>;
  for (let i = 0; i < 20; i += 1) {
    for (const label of i % 2 ? [...LABELS].reverse() : LABELS) {
      const t = performance.now();
      const db = open(path(label), keys[label]);
      opens[label].push(performance.now() - t);
      if (i < 19) db.close();
      else dbs[label] = db;
    }
  }
  // As app-services wires it: the rows of every search and page are named from contacts (caller ID).
  const historyOf = (db: SqlDatabase) => {
    const contacts = createContactStore(db, { defaultCountry: () => 'DE' });
    return createHistoryStore(db, { nameFor: (uri) => contacts.nameForUri(uri) });
  };
  const stores = { encrypted: historyOf(dbs.encrypted), plain: historyOf(dbs.plain) };
  const search = { encrypted: stores.encrypted.search, plain: stores.plain.search };
  const numberSearch = sideBySide(numberQueries, search);
  const nameSearch = sideBySide(nameQueries, search);
  const firstPage = sideBySide(
    Array.from({ length: 50 }, () => ''),
    {
      encrypted: () => stores.encrypted.list({ limit: 50 }),
      plain: () => stores.plain.list({ limit: 50 }),
    },
  );

  // The history query alone, without caller ID, on page caches emptied by opening the files again: what
  // encryption costs the query itself.
  for (const label of LABELS) {
    dbs[label].close();
    dbs[label] = open(path(label), keys[label]);
  }
  const alone = { encrypted: createHistoryStore(dbs.encrypted), plain: createHistoryStore(dbs.plain) };
  const numberQueryAlone = sideBySide(numberQueriesWithoutNames, {
    encrypted: alone.encrypted.search,
    plain: alone.plain.search,
  });

  const metrics: Record<string, Metric> = {};
  for (const label of LABELS) {
    const db = dbs[label];
    const store = alone[label];
    // Retention purges the older half, then "delete all" the rest: chunked, so main keeps serving.
    const oldestKept = (
      db.prepare('SELECT started_at FROM call ORDER BY started_at LIMIT 1 OFFSET ?').get(ROWS / 2) as {
        started_at: number;
      }
    ).started_at;
    const purge = await whileWatchingEventLoop(() => store.purgeBefore(oldestKept));
    const deleteAll = await whileWatchingEventLoop(() => store.deleteAll());
    db.close();
    const times = [numberSearch[label].ms, nameSearch[label].ms, firstPage[label].ms].flat();
    Object.assign(metrics, {
      [`insert_rate_${label}`]: { value: insertRate[label], unit: 'calls/s' },
      [`open_${label}_p50`]: { value: percentile(opens[label], 50), unit: 'ms' },
      [`number_search_${label}_p50`]: { value: percentile(numberSearch[label].ms, 50), unit: 'ms' },
      [`number_search_${label}_p95`]: { value: percentile(numberSearch[label].ms, 95), unit: 'ms' },
      [`number_search_${label}_disk_reads_p95`]: {
        value: percentile(numberSearch[label].reads, 95),
        unit: 'pages',
      },
      [`number_query_alone_${label}_p95`]: {
        value: percentile(numberQueryAlone[label].ms, 95),
        unit: 'ms',
      },
      [`name_search_${label}_p50`]: { value: percentile(nameSearch[label].ms, 50), unit: 'ms' },
      [`name_search_${label}_p95`]: { value: percentile(nameSearch[label].ms, 95), unit: 'ms' },
      [`name_search_${label}_disk_reads_p95`]: {
        value: percentile(nameSearch[label].reads, 95),
        unit: 'pages',
      },
      [`first_page_${label}_p95`]: { value: percentile(firstPage[label].ms, 95), unit: 'ms' },
      [`slowest_query_${label}`]: { value: Math.max(...times), unit: 'ms' },
      [`purge_half_${label}_total`]: { value: purge.totalMs, unit: 'ms' },
      [`purge_half_${label}_longest_block`]: { value: purge.longestBlockMs, unit: 'ms' },
      [`delete_all_${label}_total`]: { value: deleteAll.totalMs, unit: 'ms' },
      [`delete_all_${label}_longest_block`]: { value: deleteAll.longestBlockMs, unit: 'ms' },
    });
  }
  return metrics;
}

/** Runs `work` and reports how long it took and the longest the event loop could not run meanwhile. */
async function whileWatchingEventLoop(
  work: () => Promise<unknown>,
): Promise<{ totalMs: number; longestBlockMs: number }> {
  let last = performance.now();
  let longest = 0;
  let watching = true;
  const tick = () => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
    if (watching) setImmediate(tick);
  };
  setImmediate(tick);
  const started = performance.now();
  await work();
  const totalMs = performance.now() - started;
  watching = false;
  return { totalMs, longestBlockMs: Math.max(longest, performance.now() - last) };
}

export async function run(): Promise<BenchReport> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-storage-'));
  try {
    const metrics = await measure(dir, randomBytes(32).toString('hex'));
    const ratio = (encrypted: string, plain: string) => ({
      value: metrics[encrypted]!.value / metrics[plain]!.value,
      unit: 'x',
    });
    return {
      name: 'storage',
      runs: QUERIES,
      metrics: {
        ...metrics,
        insert_ratio_encrypted_to_plain: ratio('insert_rate_encrypted', 'insert_rate_plain'),
        open_ratio_encrypted_to_plain: ratio('open_encrypted_p50', 'open_plain_p50'),
        number_search_p95_ratio_encrypted_to_plain: ratio(
          'number_search_encrypted_p95',
          'number_search_plain_p95',
        ),
        name_search_p95_ratio_encrypted_to_plain: ratio('name_search_encrypted_p95', 'name_search_plain_p95'),
        number_query_alone_p95_ratio_encrypted_to_plain: ratio(
          'number_query_alone_encrypted_p95',
          'number_query_alone_plain_p95',
        ),
      },
      notes: [
        `${ROWS.toLocaleString('en')} calls, ${QUERIES} searches each; SQLCipher 4 with a raw 256-bit key (no PBKDF2 on open)`,
        "rows as the app writes them: ids as long as JsSIP's; six calls in seven answered, with answer time, encryption (DTLS state, SRTP cipher, scope) and, for half of them, the SAS comparison; 1,000 contacts",
        'searches and the first page as the app runs them (app-services): history rows named from contacts (caller ID, one lookup per number); number_query_alone: the history query without caller ID, on 300 other queries, after opening both files again (empty page caches, as for the searches)',
        'both databases are built with the same seed; opens and searches run interleaved (alternating which goes first) with the same seeded queries; disk_reads = read system calls, i.e. pages not found in the page cache',
        'tuned (migrations 4 and 5, database.ts): 32 MiB page cache; FTS5 leaves of 3900 bytes so that they fit a SQLCipher page without an overflow page; number search reads rows from a covering index of (digits, start, every shown column), the columns in compact form (migration 5, call-entry.ts: the usual values as small numbers, times as offsets from the start, the URI as a number when it is the digits at the domain of the account), about 110 instead of 215 bytes a call: a prefix of at most 200 calls (counted on that index) has them read and sorted; more calls of at most 16 numbers (list of distinct numbers in call_number) are merged newest first, stopping at the limit; otherwise the 5,000 newest calls are looked at first; name search walks FTS5 by rowid descending with a limit',
        'every query ran on the main thread; slowest_query shows the longest a single statement blocked it',
        'purge and delete-all run in chunks of 250 rows with a turn of the event loop between them; longest_block is the longest the event loop waited',
      ],
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
