import type { CallEvent } from '../../shared/domain/calls.js';
import type { CallRecord, HistoryFilter } from '../../shared/domain/history.js';
import type { Statement } from 'better-sqlite3-multiple-ciphers';
import { CALL_ENTRY_COLUMNS, fromCallEntry, type CallEntry, type CallRow } from './call-entry.js';
import type { SqlDatabase } from './database.js';

function toRecord(row: CallRow): CallRecord {
  return {
    id: row.id,
    direction: row.direction,
    account: row.account,
    remoteUri: row.remote_uri,
    remoteName: row.remote_name,
    startedAt: row.started_at,
    answeredAt: row.answered_at,
    endedAt: row.ended_at,
    durationMs: row.duration_ms,
    disposition: row.disposition,
    cause: row.cause,
    dtlsState: row.dtls_state,
    srtpCipher: row.srtp_cipher,
    encryptionScope: row.encryption_scope,
    sasMatched: row.sas_matched === null ? null : row.sas_matched === 1,
  };
}

/** The digits of a SIP URI's user part, for number-prefix search ("sip:+4930123@x" -> "4930123"). */
export function uriDigits(uri: string): string {
  const user = uri.replace(/^sips?:/, '').split('@')[0] ?? '';
  return user.replace(/\D/g, '');
}

export interface HistoryStoreOptions {
  /**
   * Caller ID from contacts: the name of the contact with this URI's number, or null. A contact's name
   * wins over the display name the far end sent, and follows the contact when it is renamed.
   */
  nameFor?(uri: string): string | null;
}

/** Up to this many numbers matching a prefix, their newest calls are merged (see `searchNumber`). */
const MERGED_NUMBERS = 16;

/** A prefix of up to this many calls has them all read and sorted: about 6 pages of compact index entries. */
const SORTED_CALLS = 200;

/** A prefix of more calls of more numbers is first looked for among this many newest calls. */
const RECENT_CALLS = 5_000;

/** Rows deleted per statement: a few milliseconds of work, so main stays responsive (bench/storage.ts). */
export const DELETE_CHUNK = 250;

/**
 * Runs a chunked DELETE (its last parameter is the chunk size) until nothing is left, yielding to the
 * event loop between chunks: deleting a million calls must not freeze IPC, windows or calls.
 */
async function inChunks(
  statement: ReturnType<SqlDatabase['prepare']>,
  params: (number | string)[],
): Promise<number> {
  let total = 0;
  for (;;) {
    const { changes } = statement.run([...params, DELETE_CHUNK]);
    total += changes;
    if (changes < DELETE_CHUNK) return total;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** Call history, written from the validated call events the phone reports to main. */
export function createHistoryStore(db: SqlDatabase, options: HistoryStoreOptions = {}) {
  /** Records named from contacts, each remote URI looked up once per page. */
  const toRecords = (rows: CallRow[]): CallRecord[] => {
    const { nameFor } = options;
    if (!nameFor) return rows.map(toRecord);
    const names = new Map<string, string | null>();
    return rows.map((row) => {
      if (!names.has(row.remote_uri)) names.set(row.remote_uri, nameFor(row.remote_uri));
      return toRecord({ ...row, remote_name: names.get(row.remote_uri) ?? row.remote_name });
    });
  };
  const insert = db.prepare(
    `INSERT OR IGNORE INTO call (id, direction, account, remote_uri, remote_name, remote_digits, started_at)
     VALUES (@id, @direction, @account, @remoteUri, @remoteName, @digits, @at)`,
  );
  const answered = db.prepare('UPDATE call SET answered_at = ? WHERE id = ? AND answered_at IS NULL');
  const encryption = db.prepare(
    'UPDATE call SET dtls_state = ?, srtp_cipher = ?, encryption_scope = ? WHERE id = ?',
  );
  const sas = db.prepare('UPDATE call SET sas_matched = ? WHERE id = ?');
  const ended = db.prepare(
    `UPDATE call SET ended_at = @at, disposition = @disposition, cause = @cause,
       duration_ms = CASE WHEN answered_at IS NULL THEN 0 ELSE @at - answered_at END
     WHERE id = @id AND ended_at IS NULL`,
  );
  const statements = new Map<string, Statement<unknown[]>>();
  /** Prepared once, on first use. */
  const statement = (sql: string): Statement<unknown[]> => {
    let prepared = statements.get(sql);
    if (!prepared) {
      prepared = db.prepare<unknown[]>(sql);
      statements.set(sql, prepared);
    }
    return prepared;
  };
  /** Rows read as index entries (CALL_ENTRY_COLUMNS). */
  const entries = (sql: string, ...params: unknown[]): CallRow[] =>
    (statement(sql).all(...params) as CallEntry[]).map(fromCallEntry);
  /** Every call of a number prefix, sorted newest first, up to the limit. */
  const allMatches = (digits: string, upper: string, limit: number): CallRow[] =>
    entries(
      `SELECT ${CALL_ENTRY_COLUMNS} FROM call WHERE remote_digits >= ? AND remote_digits < ?
         ORDER BY started_at DESC, id DESC LIMIT ?`,
      digits,
      upper,
      limit,
    );
  /**
   * Number search (migrations 4 and 5). Every page SQLCipher reads from disk costs a decryption, so the
   * rows come from the covering index call_number_rows, where a number's calls lie side by side in start
   * order, each in compact form, rather than from table pages spread over the whole history.
   */
  const searchNumber = (digits: string, limit: number): CallRow[] => {
    const upper = `${digits}:`;
    // Few calls match (usual once a few digits are typed): they are counted on the index, up to the cap,
    // then read and sorted; the second read finds the same few pages in the cache.
    const matching = statement(
      'SELECT count(*) FROM (SELECT 1 FROM call WHERE remote_digits >= ? AND remote_digits < ? LIMIT ?)',
    )
      .pluck()
      .get(digits, upper, SORTED_CALLS + 1) as number;
    if (matching <= SORTED_CALLS) return matching === 0 ? [] : allMatches(digits, upper, limit);
    const numbers = statement(
      'SELECT digits FROM call_number WHERE digits >= ? AND digits < ? ORDER BY digits LIMIT ?',
    )
      .pluck()
      .all(digits, upper, MERGED_NUMBERS + 1) as string[];
    if (numbers.length <= MERGED_NUMBERS) {
      // Many calls of a few numbers: SQLite merges the numbers' calls, each walked newest first on the
      // index, and stops at the limit: about a page of index entries per number instead of all its calls.
      const arm = `SELECT ${CALL_ENTRY_COLUMNS} FROM call WHERE remote_digits = ?`;
      return entries(
        `${numbers.map(() => arm).join(' UNION ALL ')} ORDER BY started_at DESC, id DESC LIMIT ?`,
        ...numbers,
        limit,
      );
    }
    // Many calls (a short prefix such as "+4" typed first): the newest calls are walked first and
    // filtered, as far back as the RECENT_CALLS newest ones. If they hold a full page of matches, no
    // older call can belong on it.
    const oldest = statement('SELECT started_at FROM call ORDER BY started_at DESC, id DESC LIMIT 1 OFFSET ?')
      .pluck()
      .get(RECENT_CALLS - 1) as number | undefined;
    if (oldest !== undefined) {
      const recent = entries(
        `SELECT ${CALL_ENTRY_COLUMNS} FROM call INDEXED BY call_started
           WHERE remote_digits >= ? AND remote_digits < ? AND started_at >= ?
           ORDER BY started_at DESC, id DESC LIMIT ?`,
        digits,
        upper,
        oldest,
        limit,
      );
      if (recent.length === limit) return recent;
    }
    // Few of the recent calls match: every match is read from the index and sorted.
    return allMatches(digits, upper, limit);
  };
  const filters: Record<HistoryFilter, string> = {
    all: '1',
    missed: "disposition = 'missed'",
    incoming: "direction = 'incoming'",
    outgoing: "direction = 'outgoing'",
  };

  return {
    apply(event: CallEvent): void {
      switch (event.type) {
        case 'started':
          insert.run({ ...event, id: event.callId, digits: uriDigits(event.remoteUri) });
          break;
        case 'answered':
          answered.run(event.at, event.callId);
          break;
        case 'encryption':
          encryption.run(
            event.encryption.dtlsState,
            event.encryption.srtpCipher,
            event.encryption.scope,
            event.callId,
          );
          break;
        case 'sasCompared':
          sas.run(event.matched ? 1 : 0, event.callId);
          break;
        case 'ended':
          ended.run({ id: event.callId, at: event.at, disposition: event.disposition, cause: event.cause });
          break;
        case 'ringing':
        case 'held':
        case 'transferred':
          break;
      }
    },

    /** Newest first, by keyset pagination: pass the last record of a page to get the next. */
    list(
      options: { filter?: HistoryFilter; before?: { startedAt: number; id: string }; limit?: number } = {},
    ): CallRecord[] {
      const limit = Math.min(Math.max(options.limit ?? 50, 1), 500);
      const where = filters[options.filter ?? 'all'];
      const rows = options.before
        ? db
            .prepare(
              `SELECT * FROM call WHERE ${where} AND (started_at, id) < (?, ?) ORDER BY started_at DESC, id DESC LIMIT ?`,
            )
            .all(options.before.startedAt, options.before.id, limit)
        : db
            .prepare(`SELECT * FROM call WHERE ${where} ORDER BY started_at DESC, id DESC LIMIT ?`)
            .all(limit);
      return toRecords(rows as CallRow[]);
    },

    /** Digits search the number by prefix; anything else searches names and addresses with FTS5. */
    search(query: string, limit = 50): CallRecord[] {
      const digits = query.replace(/[\s\-()/.]/g, '').replace(/^\+/, '');
      if (/^\d+$/.test(digits)) return toRecords(searchNumber(digits, limit));
      const terms = query
        .split(/\s+/)
        .filter(Boolean)
        .map((term) => `"${term.replace(/"/g, '""')}"*`);
      if (terms.length === 0) return [];
      return toRecords(
        db
          .prepare(
            // Rows are inserted as calls start, so the newest matches are the highest rowids: FTS5 walks
            // its index backwards and stops at the limit instead of sorting every match.
            `SELECT call.* FROM call JOIN (SELECT rowid FROM call_fts WHERE call_fts MATCH ? ORDER BY rowid DESC LIMIT ?) AS hit
               ON call.rowid = hit.rowid ORDER BY call.started_at DESC`,
          )
          .all(terms.join(' '), limit) as CallRow[],
      );
    },

    delete(id: string): boolean {
      return db.prepare('DELETE FROM call WHERE id = ?').run(id).changes > 0;
    },

    /** Every call there is now; calls that end meanwhile are kept. */
    deleteAll(): Promise<number> {
      const newest = (db.prepare('SELECT max(rowid) AS newest FROM call').get() as { newest: number | null })
        .newest;
      if (newest === null) return Promise.resolve(0);
      return inChunks(
        db.prepare('DELETE FROM call WHERE rowid IN (SELECT rowid FROM call WHERE rowid <= ? LIMIT ?)'),
        [newest],
      );
    },

    /** Every call stored (an export's total). */
    count(): number {
      return (db.prepare('SELECT count(*) AS n FROM call').get() as { n: number }).n;
    },

    missedUnseen(): number {
      return (
        db.prepare("SELECT count(*) AS n FROM call WHERE disposition = 'missed' AND seen = 0").get() as {
          n: number;
        }
      ).n;
    },

    markSeen(): void {
      db.prepare('UPDATE call SET seen = 1 WHERE seen = 0').run();
    },

    /** Retention: removes calls that started before `cutoff` (ms since the epoch). */
    purgeBefore(cutoff: number): Promise<number> {
      return inChunks(
        db.prepare(
          'DELETE FROM call WHERE rowid IN (SELECT rowid FROM call WHERE started_at < ? ORDER BY started_at LIMIT ?)',
        ),
        [cutoff],
      );
    },
  };
}
export type HistoryStore = ReturnType<typeof createHistoryStore>;
