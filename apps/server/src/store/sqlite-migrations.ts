/**
 * The SQLite schema, one entry per version; `PRAGMA user_version` records how far a database is. Never edit a
 * shipped entry: add the next one.
 */
export const SQLITE_MIGRATIONS: readonly string[] = [
  // 1: requests, certificates, attributes, extensions, CA certificates, CRLs, exit events
  `
  CREATE TABLE requests (
    request_id INTEGER PRIMARY KEY AUTOINCREMENT,
    raw_request BLOB,
    request_type INTEGER NOT NULL,
    request_flags INTEGER NOT NULL DEFAULT 0,
    status_code INTEGER NOT NULL DEFAULT 0,
    disposition INTEGER NOT NULL,
    disposition_message TEXT,
    submitted_when INTEGER NOT NULL,
    resolved_when INTEGER,
    revoked_when INTEGER,
    revoked_effective_when INTEGER,
    revoked_reason INTEGER,
    requester_name TEXT,
    caller_name TEXT,
    request_attributes TEXT,
    officer TEXT,
    certificate_template TEXT,
    enrollment_flags INTEGER,
    general_flags INTEGER,
    private_key_flags INTEGER,
    request_name_json TEXT NOT NULL DEFAULT '{}',
    system_json TEXT NOT NULL DEFAULT '{}'
  );
  CREATE INDEX requests_disposition ON requests (disposition);
  CREATE TABLE certificates (
    request_id INTEGER PRIMARY KEY REFERENCES requests (request_id),
    raw_certificate BLOB NOT NULL,
    serial_number TEXT NOT NULL UNIQUE,
    certificate_hash TEXT NOT NULL,
    not_before INTEGER NOT NULL,
    not_after INTEGER NOT NULL,
    values_json TEXT NOT NULL DEFAULT '{}',
    certificate_name_json TEXT NOT NULL DEFAULT '{}'
  );
  CREATE TABLE request_attributes (
    request_id INTEGER NOT NULL REFERENCES requests (request_id),
    seq INTEGER NOT NULL,
    name TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (request_id, seq)
  );
  CREATE TABLE request_extensions (
    request_id INTEGER NOT NULL REFERENCES requests (request_id),
    seq INTEGER NOT NULL,
    oid TEXT NOT NULL,
    flags INTEGER NOT NULL,
    value BLOB NOT NULL,
    PRIMARY KEY (request_id, seq)
  );
  CREATE TABLE ca_certificates (
    cert_index INTEGER PRIMARY KEY,
    key_index INTEGER NOT NULL,
    raw BLOB NOT NULL,
    state INTEGER NOT NULL
  );
  CREATE TABLE crls (
    crl_id INTEGER PRIMARY KEY AUTOINCREMENT,
    key_index INTEGER NOT NULL,
    crl_number INTEGER NOT NULL,
    is_delta INTEGER NOT NULL,
    raw BLOB NOT NULL,
    this_update INTEGER NOT NULL,
    next_update INTEGER NOT NULL
  );
  CREATE INDEX crls_latest ON crls (key_index, is_delta, crl_number);
  CREATE TABLE exit_events (
    event_id INTEGER PRIMARY KEY AUTOINCREMENT,
    event INTEGER NOT NULL,
    context INTEGER NOT NULL,
    created_at INTEGER NOT NULL
  );
  `,
];
