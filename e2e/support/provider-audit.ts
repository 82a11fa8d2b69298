import Database from 'better-sqlite3-multiple-ciphers';
import type { AuditEnvelope } from '../../shared/audit/catalog.js';
import type { StoredAuditEvent } from '../provider/audit-endpoint.js';
import { readStackState } from './stack-state.js';

/** Which stored events to read; every given field must match. */
export interface ProviderAuditQuery {
  deviceId?: string;
  /** The event's id (the device's UUIDv7). */
  id?: string;
  type?: string;
  /** The subject of the access token the event arrived with. */
  sub?: string;
}

/** The stored column (or expression) each query field compares with. */
const QUERY_COLUMNS: Record<keyof ProviderAuditQuery, string> = {
  deviceId: 'device_id',
  id: 'id',
  type: "json_extract(envelope, '$.type')",
  sub: 'sub',
};

/**
 * What the provider's audit ingest (e2e/provider/audit-endpoint.ts) stored, read from its database. The
 * broker writes it in the global-setup process; a spec's worker opens it read-only (WAL lets a reader in
 * another process see every committed batch) and closes it again, so each call sees the latest state.
 */
export function providerAuditEvents(
  query: ProviderAuditQuery = {},
  databasePath = readStackState().auditDatabasePath,
): StoredAuditEvent[] {
  const db = new Database(databasePath, { readonly: true, fileMustExist: true });
  try {
    const given = (Object.keys(QUERY_COLUMNS) as (keyof ProviderAuditQuery)[]).filter(
      (field) => query[field] !== undefined,
    );
    const where = given.map((field) => `${QUERY_COLUMNS[field]} = ?`);
    const values = given.map((field) => query[field]!);
    const rows = db
      .prepare<string[], { envelope: string; sub: string; received_at: number }>(
        `SELECT envelope, sub, received_at FROM audit_event
         ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
         ORDER BY device_id, seq`,
      )
      .all(...values);
    return rows.map((row) => ({
      ...(JSON.parse(row.envelope) as AuditEnvelope),
      sub: row.sub,
      receivedAt: row.received_at,
    }));
  } finally {
    db.close();
  }
}
