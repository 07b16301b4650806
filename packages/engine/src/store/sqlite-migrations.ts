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
  // 2: subordinate CAs. A CA certificate row exists before its certificate does (the request awaits the parent),
  // so `raw` becomes nullable and the request is kept. SQLite cannot drop NOT NULL in place: rebuild the table.
  `
  CREATE TABLE ca_certificates_v2 (
    cert_index INTEGER PRIMARY KEY,
    key_index INTEGER NOT NULL,
    raw BLOB,
    request BLOB,
    state INTEGER NOT NULL,
    CHECK (raw IS NOT NULL OR request IS NOT NULL)
  );
  INSERT INTO ca_certificates_v2 (cert_index, key_index, raw, state)
    SELECT cert_index, key_index, raw, state FROM ca_certificates;
  DROP TABLE ca_certificates;
  ALTER TABLE ca_certificates_v2 RENAME TO ca_certificates;
  `,
  // 3: revocation and CRLs. Which CA key's CRL lists a revoked certificate, PublishExpiredCertInCRL, the Next CRL
  // Publish time the schedule runs on, and indexes for building CRLs: partial ones (only revoked or released rows)
  // for a base CRL by key index in request order and a delta from what changed since its base, both covering, with
  // a narrow covering one of certificates, so a million-entry CRL reads no wide request or certificate row. A large
  // CRL is kept in 1 MiB parts: one blob of tens of megabytes would be copied twice into SQLite's memory.
  `
  ALTER TABLE requests ADD COLUMN crl_key_index INTEGER;
  ALTER TABLE requests ADD COLUMN publish_expired_cert_in_crl INTEGER;
  ALTER TABLE crls ADD COLUMN next_publish INTEGER;
  ALTER TABLE crls ADD COLUMN raw_parts INTEGER NOT NULL DEFAULT 0;
  CREATE TABLE crl_parts (
    crl_id INTEGER NOT NULL REFERENCES crls (crl_id),
    seq INTEGER NOT NULL,
    bytes BLOB NOT NULL,
    PRIMARY KEY (crl_id, seq)
  );
  CREATE INDEX requests_crl_entries ON requests (crl_key_index, disposition, request_id, revoked_effective_when,
    revoked_when, revoked_reason, publish_expired_cert_in_crl) WHERE crl_key_index IS NOT NULL;
  CREATE INDEX requests_crl_changes ON requests (crl_key_index, revoked_when) WHERE crl_key_index IS NOT NULL;
  CREATE INDEX certificates_crl ON certificates (request_id, serial_number, not_after);
  `,
  // 4: find a request's exit events by context ("was it ever pending?" on retrieval).
  `
  CREATE INDEX exit_events_context ON exit_events (context, event);
  `,
  // 5: the exit outbox, one row per (exit event, subscribed module), written with the state change. Status is
  // pending, delivering (claimed by owner until lease_until), done or dead. Indexes: a lane's due rows, the head
  // of each (module, context) for per-request order, and the operators' counts.
  `
  CREATE TABLE exit_outbox (
    outbox_id INTEGER PRIMARY KEY AUTOINCREMENT,
    prog_id TEXT NOT NULL,
    event_id INTEGER NOT NULL REFERENCES exit_events (event_id),
    event INTEGER NOT NULL,
    context INTEGER NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending',
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    last_hresult INTEGER,
    last_error TEXT,
    owner TEXT,
    lease_until INTEGER,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  );
  CREATE INDEX exit_outbox_due ON exit_outbox (prog_id, outbox_id, next_attempt_at) WHERE status = 'pending';
  CREATE INDEX exit_outbox_open ON exit_outbox (prog_id, context, outbox_id) WHERE status IN ('pending', 'delivering');
  CREATE INDEX exit_outbox_status ON exit_outbox (prog_id, status, created_at);
  CREATE INDEX exit_outbox_event ON exit_outbox (event_id);
  `,
  // 6: an exit event lists the modules to notify (ProgIDs, one per line), written with the state change; their
  // outbox rows are made from it by the delivery side, up to the cursor (see sqliteExitOutbox). Events before this
  // version already have their rows: the cursor starts after them.
  `
  ALTER TABLE exit_events ADD COLUMN modules TEXT;
  CREATE TABLE exit_outbox_cursor (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    last_event_id INTEGER NOT NULL
  );
  INSERT INTO exit_outbox_cursor (id, last_event_id) SELECT 1, COALESCE(MAX(event_id), 0) FROM exit_events;
  `,
  // 7: delivery that never repeats a side effect, and replay. `exit_actions`: the idempotency store modules get
  // from the host, per (module, EventID, action), `started` or `done`, scoped to the delivery or to the event. The
  // outbox says why a row was dead-lettered (a permanent error at once, or the attempts used up) and which replay
  // made it; `exit_replays` records each replay an operator asked for.
  `
  CREATE TABLE exit_actions (
    prog_id TEXT NOT NULL COLLATE NOCASE,
    event_id TEXT NOT NULL,
    action TEXT NOT NULL,
    state TEXT NOT NULL,
    scope TEXT NOT NULL DEFAULT 'delivery',
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (prog_id, event_id, action)
  ) WITHOUT ROWID;
  CREATE INDEX exit_actions_age ON exit_actions (updated_at);
  ALTER TABLE exit_outbox ADD COLUMN dead_reason TEXT;
  ALTER TABLE exit_outbox ADD COLUMN replay_id INTEGER;
  CREATE TABLE exit_replays (
    replay_id INTEGER PRIMARY KEY AUTOINCREMENT,
    prog_id TEXT NOT NULL,
    since_event_id INTEGER NOT NULL,
    until_event_id INTEGER NOT NULL,
    event_mask INTEGER NOT NULL,
    events INTEGER NOT NULL,
    requested_by TEXT,
    created_at INTEGER NOT NULL
  );
  `,
  // 8: floors under the counters a database that went back in time must not reuse (see high-water-mark.ts): after
  // "certexit database accept-rollback", CRL numbers continue above the mark (RequestIDs and EventIDs continue from
  // sqlite_sequence, which accept-rollback raises).
  `
  CREATE TABLE ca_counters (
    name TEXT PRIMARY KEY,
    floor INTEGER NOT NULL
  ) WITHOUT ROWID;
  `,
  // 9: the console's folder lists (certsrv.msc), paged by keyset at any depth. Generated columns give each sort key
  // a non-NULL, lowercased form (no NULL ever meets a keyset comparison; text sorts as AD CS's, case-insensitively)
  // and put denied and failed rows in one folder; each index starts with the folder so a page is one range read.
  // Virtual columns cost nothing to store: only the indexes hold their values. Revocation time is indexed over
  // revoked rows only, and the certificates' expiry in the certificates table (its serial index already exists).
  // The configuration audit log: who changed which CA property, from what to what.
  `
  ALTER TABLE requests ADD COLUMN view_folder INTEGER
    GENERATED ALWAYS AS (CASE disposition WHEN 31 THEN 30 ELSE disposition END) VIRTUAL;
  ALTER TABLE requests ADD COLUMN view_requester TEXT
    GENERATED ALWAYS AS (lower(coalesce(requester_name, ''))) VIRTUAL;
  ALTER TABLE requests ADD COLUMN view_common_name TEXT
    GENERATED ALWAYS AS (lower(coalesce(json_extract(request_name_json, '$.CommonName'), ''))) VIRTUAL;
  ALTER TABLE requests ADD COLUMN view_template TEXT
    GENERATED ALWAYS AS (lower(coalesce(certificate_template, ''))) VIRTUAL;
  ALTER TABLE requests ADD COLUMN view_resolved INTEGER GENERATED ALWAYS AS (coalesce(resolved_when, 0)) VIRTUAL;
  CREATE INDEX requests_view_id ON requests (view_folder, request_id);
  CREATE INDEX requests_view_requester ON requests (view_folder, view_requester, request_id);
  CREATE INDEX requests_view_common_name ON requests (view_folder, view_common_name, request_id);
  CREATE INDEX requests_view_template ON requests (view_folder, view_template, request_id);
  CREATE INDEX requests_view_resolved ON requests (view_folder, view_resolved, request_id);
  CREATE INDEX requests_view_revoked ON requests (disposition, revoked_when, request_id) WHERE disposition = 21;
  CREATE INDEX certificates_view_not_after ON certificates (not_after, request_id);
  CREATE TABLE audit_log (
    audit_id INTEGER PRIMARY KEY AUTOINCREMENT,
    at INTEGER NOT NULL,
    identity TEXT NOT NULL,
    role TEXT,
    action TEXT NOT NULL,
    target TEXT NOT NULL,
    old_value TEXT,
    new_value TEXT
  );
  `,
];
