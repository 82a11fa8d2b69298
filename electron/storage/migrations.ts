import { CALL_ENTRY_INDEX, callEntryIndex, ENTRY_CODES_V5 } from './call-entry.js';

/** Schema versions, in order; never edit a released one, append a new one. */
export const migrations: readonly string[] = [
  // 1: call history with a full-text index over name and number.
  `CREATE TABLE call (
     id TEXT PRIMARY KEY,
     direction TEXT NOT NULL CHECK (direction IN ('incoming', 'outgoing')),
     account TEXT NOT NULL,
     remote_uri TEXT NOT NULL,
     remote_name TEXT,
     remote_digits TEXT NOT NULL,
     started_at INTEGER NOT NULL,
     answered_at INTEGER,
     ended_at INTEGER,
     duration_ms INTEGER,
     disposition TEXT CHECK (disposition IN ('answered', 'missed', 'declined', 'busy', 'failed', 'cancelled')),
     cause TEXT,
     dtls_state TEXT,
     srtp_cipher TEXT,
     encryption_scope TEXT,
     sas_matched INTEGER,
     seen INTEGER NOT NULL DEFAULT 0
   );
   CREATE INDEX call_started ON call (started_at DESC, id DESC);
   CREATE INDEX call_digits ON call (remote_digits, started_at);
   CREATE VIRTUAL TABLE call_fts USING fts5 (remote_name, remote_uri, content='call', content_rowid='rowid', tokenize='unicode61');
   CREATE TRIGGER call_ai AFTER INSERT ON call BEGIN
     INSERT INTO call_fts (rowid, remote_name, remote_uri) VALUES (new.rowid, new.remote_name, new.remote_uri);
   END;
   CREATE TRIGGER call_ad AFTER DELETE ON call BEGIN
     INSERT INTO call_fts (call_fts, rowid, remote_name, remote_uri) VALUES ('delete', old.rowid, old.remote_name, old.remote_uri);
   END;
   CREATE TRIGGER call_au AFTER UPDATE OF remote_name, remote_uri ON call BEGIN
     INSERT INTO call_fts (call_fts, rowid, remote_name, remote_uri) VALUES ('delete', old.rowid, old.remote_name, old.remote_uri);
     INSERT INTO call_fts (rowid, remote_name, remote_uri) VALUES (new.rowid, new.remote_name, new.remote_uri);
   END;`,
  // 2: contacts with their numbers, a full-text index over name, organisation and e-mail, and the
  //    number keys caller ID matches on. `seq` is an explicit rowid so that VACUUM cannot renumber
  //    the rows the full-text index points to.
  `CREATE TABLE contact (
     seq INTEGER PRIMARY KEY,
     id TEXT NOT NULL UNIQUE,
     name TEXT NOT NULL,
     organisation TEXT,
     email TEXT,
     note TEXT,
     favourite INTEGER NOT NULL DEFAULT 0 CHECK (favourite IN (0, 1)),
     sort_key TEXT NOT NULL,
     created_at INTEGER NOT NULL,
     updated_at INTEGER NOT NULL
   );
   CREATE INDEX contact_order ON contact (favourite DESC, sort_key, id);
   CREATE TABLE contact_number (
     contact_id TEXT NOT NULL REFERENCES contact (id) ON DELETE CASCADE,
     position INTEGER NOT NULL,
     label TEXT NOT NULL CHECK (label IN ('mobile', 'work', 'home', 'other')),
     number TEXT NOT NULL,
     digits TEXT NOT NULL,
     match_key TEXT NOT NULL,
     PRIMARY KEY (contact_id, position)
   ) WITHOUT ROWID;
   CREATE INDEX contact_number_match ON contact_number (match_key);
   CREATE INDEX contact_number_digits ON contact_number (digits);
   CREATE VIRTUAL TABLE contact_fts USING fts5 (name, organisation, email, content='contact', content_rowid='seq', tokenize='unicode61 remove_diacritics 2');
   CREATE TRIGGER contact_ai AFTER INSERT ON contact BEGIN
     INSERT INTO contact_fts (rowid, name, organisation, email) VALUES (new.seq, new.name, new.organisation, new.email);
   END;
   CREATE TRIGGER contact_ad AFTER DELETE ON contact BEGIN
     INSERT INTO contact_fts (contact_fts, rowid, name, organisation, email) VALUES ('delete', old.seq, old.name, old.organisation, old.email);
   END;
   CREATE TRIGGER contact_au AFTER UPDATE OF name, organisation, email ON contact BEGIN
     INSERT INTO contact_fts (contact_fts, rowid, name, organisation, email) VALUES ('delete', old.seq, old.name, old.organisation, old.email);
     INSERT INTO contact_fts (rowid, name, organisation, email) VALUES (new.seq, new.name, new.organisation, new.email);
   END;`,
  // 3: the audit trail (electron/audit/audit-store.ts): hash-chained, HMAC'd events in the order they were
  //    written (`pos`, an explicit rowid so that VACUUM keeps it), and one row with the device id and the
  //    HMAC'd first (base) and last (head) links. Only `delivered_at` may change, and only delivered
  //    events may be deleted (retention after delivery); triggers refuse anything else.
  `CREATE TABLE audit_event (
     pos INTEGER PRIMARY KEY,
     seq INTEGER NOT NULL UNIQUE,
     id TEXT NOT NULL UNIQUE,
     version INTEGER NOT NULL,
     at INTEGER NOT NULL,
     device_id TEXT NOT NULL,
     user_id TEXT,
     app_version TEXT NOT NULL,
     type TEXT NOT NULL,
     details TEXT NOT NULL,
     prev_hash TEXT NOT NULL,
     hash TEXT NOT NULL,
     hmac TEXT NOT NULL,
     delivered_at INTEGER
   );
   CREATE INDEX audit_event_undelivered ON audit_event (seq) WHERE delivered_at IS NULL;
   CREATE INDEX audit_event_type ON audit_event (type, seq);
   CREATE TABLE audit_chain (
     id INTEGER PRIMARY KEY CHECK (id = 1),
     device_id TEXT NOT NULL,
     base_seq INTEGER NOT NULL,
     base_hash TEXT NOT NULL,
     base_hmac TEXT NOT NULL,
     head_seq INTEGER NOT NULL,
     head_hash TEXT NOT NULL,
     head_hmac TEXT NOT NULL
   );
   CREATE TRIGGER audit_event_append_only BEFORE UPDATE OF pos, seq, id, version, at, device_id, user_id,
     app_version, type, details, prev_hash, hash, hmac ON audit_event BEGIN
     SELECT RAISE(ABORT, 'audit events are append-only');
   END;
   CREATE TRIGGER audit_event_keep_undelivered BEFORE DELETE ON audit_event WHEN old.delivered_at IS NULL BEGIN
     SELECT RAISE(ABORT, 'undelivered audit events are never deleted');
   END;`,
  // 4: history search that reads few pages, because on SQLCipher every page read from disk is decrypted
  //    and its HMAC checked (bench/storage.ts).
  //    - FTS5 leaves of the default 4050 bytes do not fit a SQLCipher page (4096 bytes minus 80 reserved
  //      for IV and HMAC): each leaf spilled into an overflow page, two page reads instead of one.
  //      3900 fits with room to spare; 'optimize' rewrites the existing leaves at that size.
  //    - The number search reads its rows from an index that holds every column a history row shows,
  //      ordered by number and start, instead of from table pages scattered over the whole history.
  //      It replaces call_digits (remote_digits, started_at), its leading columns.
  //    - call_number lists the distinct numbers (a few pages, kept in cache), so that a prefix search
  //      can merge the newest calls of each matching number and stop at the page size.
  `INSERT INTO call_fts (call_fts, rank) VALUES ('pgsz', 3900);
   INSERT INTO call_fts (call_fts) VALUES ('optimize');
   INSERT INTO contact_fts (contact_fts, rank) VALUES ('pgsz', 3900);
   INSERT INTO contact_fts (contact_fts) VALUES ('optimize');
   DROP INDEX call_digits;
   CREATE INDEX call_digits_rows ON call (remote_digits, started_at, id, direction, account, remote_uri,
     remote_name, answered_at, ended_at, duration_ms, disposition, cause, dtls_state, srtp_cipher,
     encryption_scope, sas_matched);
   CREATE TABLE call_number (digits TEXT PRIMARY KEY) WITHOUT ROWID;
   INSERT INTO call_number (digits) SELECT DISTINCT remote_digits FROM call;
   CREATE TRIGGER call_number_ai AFTER INSERT ON call BEGIN
     INSERT OR IGNORE INTO call_number (digits) VALUES (new.remote_digits);
   END;
   CREATE TRIGGER call_number_ad AFTER DELETE ON call
     WHEN NOT EXISTS (SELECT 1 FROM call WHERE remote_digits = old.remote_digits) BEGIN
     DELETE FROM call_number WHERE digits = old.remote_digits;
   END;
   CREATE TRIGGER call_number_au AFTER UPDATE OF remote_digits ON call BEGIN
     INSERT OR IGNORE INTO call_number (digits) VALUES (new.remote_digits);
     DELETE FROM call_number WHERE digits = old.remote_digits
       AND NOT EXISTS (SELECT 1 FROM call WHERE remote_digits = old.remote_digits);
   END;`,
  // 5: the number search's index holds each call in compact form (call-entry.ts), so that a number prefix's
  //    calls lie on half as many pages, each of them decrypted and its HMAC checked when read from disk.
  `DROP INDEX call_digits_rows;
   ${callEntryIndex(ENTRY_CODES_V5)};`,
  // 6: the scope of a call whose DTLS the far end ends itself is `peer`: `end-to-end` claimed more than a
  //    fingerprint proves (only the compared security code does). The number index codes the engine's end
  //    reasons, the causes it now reports.
  `UPDATE call SET encryption_scope = 'peer' WHERE encryption_scope = 'end-to-end';
   DROP INDEX call_number_rows;
   ${CALL_ENTRY_INDEX};`,
];
