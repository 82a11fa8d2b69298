import canonicalize from 'canonicalize';
import { linkHash } from '../electron/audit/audit-store.js';
import type { SqlDatabase } from '../electron/storage/database.js';

/** A stored audit event as the attacker sees it in the table. */
export interface AuditRow {
  pos: number;
  seq: number;
  id: string;
  at: number;
  details: string;
  prev_hash: string;
  hash: string;
  hmac: string;
  [column: string]: unknown;
}
const COLUMNS = [
  'seq',
  'id',
  'version',
  'at',
  'device_id',
  'user_id',
  'app_version',
  'type',
  'details',
  'prev_hash',
  'hash',
  'hmac',
  'delivered_at',
];

/**
 * Someone with the database and its key (but not the keychain's audit key): they can change anything,
 * and drop the triggers that keep the app itself from doing so.
 */
export function auditAttacker(raw: SqlDatabase) {
  raw.exec(
    'DROP TRIGGER IF EXISTS audit_event_append_only; DROP TRIGGER IF EXISTS audit_event_keep_undelivered;',
  );
  const row = (seq: number) => raw.prepare('SELECT * FROM audit_event WHERE seq = ?').get(seq) as AuditRow;
  const setRow = (pos: number, values: AuditRow) =>
    raw
      .prepare(`UPDATE audit_event SET ${COLUMNS.map((c) => `${c} = @${c}`).join(', ')} WHERE pos = @pos`)
      .run({ ...values, pos });
  return {
    row,
    exec: (sql: string, ...params: unknown[]) => raw.prepare(sql).run(...params),
    /** Exchanges two events' places in the order they were written. */
    swap(a: number, b: number) {
      const [first, second] = [row(a), row(b)];
      raw.transaction(() => {
        raw.prepare('UPDATE audit_event SET seq = -1, id = ? WHERE pos = ?').run('moving', first.pos);
        setRow(second.pos, first);
        setRow(first.pos, second);
      })();
    },
    /** Edits an event's details and recomputes its hash and every later link, as far as SHA-256 goes. */
    rewriteFrom(seq: number, details: Record<string, unknown>) {
      const rows = raw
        .prepare('SELECT * FROM audit_event WHERE seq >= ? ORDER BY seq')
        .all(seq) as AuditRow[];
      let prevHash = rows[0]!.prev_hash;
      for (const [index, current] of rows.entries()) {
        const newDetails = index === 0 ? details : (JSON.parse(current.details) as Record<string, unknown>);
        const hash = linkHash({
          v: current.version as number,
          id: current.id,
          seq: current.seq,
          at: current.at,
          deviceId: current.device_id as string,
          user: current.user_id as string | null,
          appVersion: current.app_version as string,
          type: current.type as string,
          details: newDetails as Record<string, string>,
          prevHash,
        });
        raw
          .prepare('UPDATE audit_event SET details = ?, prev_hash = ?, hash = ? WHERE pos = ?')
          .run(canonicalize(newDetails), prevHash, hash, current.pos);
        prevHash = hash;
      }
      raw.prepare('UPDATE audit_chain SET head_hash = ?').run(prevHash);
    },
  };
}
