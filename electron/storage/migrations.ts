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
];
