// Call history at 1,000,000 rows: the app's own storage code on an encrypted (SQLCipher) database and
// on a plain one, side by side. The key comes from the keychain in the app; here it is passed in, so
// that the keychain's latency does not blur the database's.
import Database from 'better-sqlite3-multiple-ciphers';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { configureConnection, migrate, type SqlDatabase } from '../electron/storage/database.js';
import { createHistoryStore } from '../electron/storage/history.js';
import { percentile, type BenchReport, type Metric } from './report.js';

const ROWS = 1_000_000;
const QUERIES = 300;
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
const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
const pick = <T>(list: T[]) => list[Math.floor(random() * list.length)]!;
const digits = (n: number) => Array.from({ length: n }, () => Math.floor(random() * 10)).join('');

async function measure(
  label: 'encrypted' | 'plain',
  dir: string,
  key: string | null,
): Promise<Record<string, Metric>> {
  seed = 42;
  const path = join(dir, `${label}.db`);
  let db = open(path, key);
  const history = createHistoryStore(db);
  const started = performance.now();
  const batch = 10_000;
  for (let done = 0; done < ROWS; done += batch) {
    db.transaction(() => {
      for (let i = done; i < done + batch; i += 1) {
        const at = 1_700_000_000_000 + i * 60_000;
        history.apply({
          type: 'started',
          callId: `c${i}`,
          at,
          direction: i % 3 ? 'outgoing' : 'incoming',
          account: 'sip:me@example.eu',
          remoteUri: `sip:+49${digits(10)}@example.eu`,
          remoteName: `${pick(FIRST)} ${pick(LAST)}`,
        });
        history.apply({
          type: 'ended',
          callId: `c${i}`,
          at: at + 30_000,
          disposition: i % 7 ? 'answered' : 'missed',
          cause: 'Terminated',
        });
      }
    })();
  }
  const insertSeconds = (performance.now() - started) / 1000;
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();

  // Open: what the app does at start before the first query (the key already read from the keychain).
  const opens: number[] = [];
  for (let i = 0; i < 20; i += 1) {
    const t = performance.now();
    db = open(path, key);
    opens.push(performance.now() - t);
    if (i < 19) db.close();
  }
  const store = createHistoryStore(db);
  const time = (query: () => unknown) => {
    const t = performance.now();
    query();
    return performance.now() - t;
  };
  const numberSearch = Array.from({ length: QUERIES }, () => time(() => store.search(`+49 ${digits(4)}`)));
  const nameSearch = Array.from({ length: QUERIES }, () =>
    time(() => store.search(`${pick(FIRST).slice(0, 3)} ${pick(LAST).slice(0, 4)}`)),
  );
  const firstPage = Array.from({ length: 50 }, () => time(() => store.list({ limit: 50 })));
  // Retention purges the older half, then "delete all" the rest: chunked, so main keeps serving.
  const oldestKept = (
    db.prepare('SELECT started_at FROM call ORDER BY started_at LIMIT 1 OFFSET ?').get(ROWS / 2) as {
      started_at: number;
    }
  ).started_at;
  const purge = await whileWatchingEventLoop(() => store.purgeBefore(oldestKept));
  const deleteAll = await whileWatchingEventLoop(() => store.deleteAll());
  db.close();
  return {
    [`insert_rate_${label}`]: { value: ROWS / insertSeconds, unit: 'calls/s' },
    [`open_${label}_p50`]: { value: percentile(opens, 50), unit: 'ms' },
    [`number_search_${label}_p50`]: { value: percentile(numberSearch, 50), unit: 'ms' },
    [`number_search_${label}_p95`]: { value: percentile(numberSearch, 95), unit: 'ms' },
    [`name_search_${label}_p50`]: { value: percentile(nameSearch, 50), unit: 'ms' },
    [`name_search_${label}_p95`]: { value: percentile(nameSearch, 95), unit: 'ms' },
    [`first_page_${label}_p95`]: { value: percentile(firstPage, 95), unit: 'ms' },
    [`slowest_query_${label}`]: { value: Math.max(...numberSearch, ...nameSearch, ...firstPage), unit: 'ms' },
    [`purge_half_${label}_total`]: { value: purge.totalMs, unit: 'ms' },
    [`purge_half_${label}_longest_block`]: { value: purge.longestBlockMs, unit: 'ms' },
    [`delete_all_${label}_total`]: { value: deleteAll.totalMs, unit: 'ms' },
    [`delete_all_${label}_longest_block`]: { value: deleteAll.longestBlockMs, unit: 'ms' },
  };
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
    const encrypted = await measure('encrypted', dir, randomBytes(32).toString('hex'));
    const plain = await measure('plain', dir, null);
    const ratio = (name: string) => ({
      value: encrypted[`${name}_encrypted_p95`]!.value / plain[`${name}_plain_p95`]!.value,
      unit: 'x',
    });
    return {
      name: 'storage',
      runs: QUERIES,
      metrics: {
        ...encrypted,
        ...plain,
        insert_ratio_encrypted_to_plain: {
          value: encrypted.insert_rate_encrypted!.value / plain.insert_rate_plain!.value,
          unit: 'x',
        },
        open_ratio_encrypted_to_plain: {
          value: encrypted.open_encrypted_p50!.value / plain.open_plain_p50!.value,
          unit: 'x',
        },
        number_search_p95_ratio_encrypted_to_plain: ratio('number_search'),
        name_search_p95_ratio_encrypted_to_plain: ratio('name_search'),
      },
      notes: [
        `${ROWS.toLocaleString('en')} calls, ${QUERIES} searches each; SQLCipher 4 with a raw 256-bit key (no PBKDF2 on open)`,
        'tuned: 16 MB page cache; number search picks the newest matches on a covering (digits, start) index before reading rows; name search walks FTS5 by rowid descending with a limit instead of sorting all matches',
        'every query ran on the main thread; slowest_query shows the longest a single statement blocked it',
        'purge and delete-all run in chunks of 250 rows with a turn of the event loop between them; longest_block is the longest the event loop waited',
      ],
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
