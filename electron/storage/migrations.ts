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
];
