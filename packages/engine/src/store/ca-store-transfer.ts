/**
 * The tables of a CA database and their columns, as every store exports and imports them: the SQLite schema's
 * names, integers as numbers (times as epoch milliseconds), blobs as bytes. A CRL is one row with its whole DER,
 * however a store keeps it. In the order a copy writes them: a row's parents before it.
 */
export const CA_STORE_TABLES = {
  ca_certificates: ['cert_index', 'key_index', 'raw', 'request', 'state'],
  requests: [
    'request_id',
    'raw_request',
    'request_type',
    'request_flags',
    'status_code',
    'disposition',
    'disposition_message',
    'submitted_when',
    'resolved_when',
    'revoked_when',
    'revoked_effective_when',
    'revoked_reason',
    'requester_name',
    'caller_name',
    'request_attributes',
    'officer',
    'certificate_template',
    'enrollment_flags',
    'general_flags',
    'private_key_flags',
    'request_name_json',
    'system_json',
    'crl_key_index',
    'publish_expired_cert_in_crl',
  ],
  certificates: [
    'request_id',
    'raw_certificate',
    'serial_number',
    'certificate_hash',
    'not_before',
    'not_after',
    'values_json',
    'certificate_name_json',
  ],
  request_attributes: ['request_id', 'seq', 'name', 'value'],
  request_extensions: ['request_id', 'seq', 'oid', 'flags', 'value'],
  crls: ['crl_id', 'key_index', 'crl_number', 'is_delta', 'raw', 'this_update', 'next_update', 'next_publish'],
  exit_events: ['event_id', 'event', 'context', 'created_at', 'modules'],
  exit_replays: [
    'replay_id',
    'prog_id',
    'since_event_id',
    'until_event_id',
    'event_mask',
    'events',
    'requested_by',
    'created_at',
  ],
  exit_outbox: [
    'outbox_id',
    'prog_id',
    'event_id',
    'event',
    'context',
    'status',
    'attempts',
    'next_attempt_at',
    'last_hresult',
    'last_error',
    'owner',
    'lease_until',
    'created_at',
    'updated_at',
    'dead_reason',
    'replay_id',
  ],
  exit_actions: ['prog_id', 'event_id', 'action', 'state', 'scope', 'updated_at'],
  ca_counters: ['name', 'floor'],
  audit_log: ['audit_id', 'at', 'identity', 'role', 'action', 'target', 'old_value', 'new_value'],
} as const satisfies Record<string, readonly string[]>;

/** A table of {@link CA_STORE_TABLES}. */
export type CaStoreTable = keyof typeof CA_STORE_TABLES;

/** The columns each table is ordered by (its primary key). */
export const CA_STORE_TABLE_KEYS: Readonly<Record<CaStoreTable, readonly string[]>> = {
  ca_certificates: ['cert_index'],
  requests: ['request_id'],
  certificates: ['request_id'],
  request_attributes: ['request_id', 'seq'],
  request_extensions: ['request_id', 'seq'],
  crls: ['crl_id'],
  exit_events: ['event_id'],
  exit_replays: ['replay_id'],
  exit_outbox: ['outbox_id'],
  exit_actions: ['prog_id', 'event_id', 'action'],
  ca_counters: ['name'],
  audit_log: ['audit_id'],
};

/**
 * The counters a store hands numbers out of, by the table whose key they give: what a copy carries over so that no
 * RequestID, EventID, outbox id, replay id, CRL row id or audit id is ever handed out twice.
 */
export const CA_STORE_SEQUENCES = [
  'requests',
  'exit_events',
  'exit_outbox',
  'exit_replays',
  'crls',
  'audit_log',
] as const;

/** A counter of {@link CA_STORE_SEQUENCES}. */
export type CaStoreSequence = (typeof CA_STORE_SEQUENCES)[number];

/** One row in transfer form: column name to value. */
export type CaStoreTransferRow = Record<string, number | string | Uint8Array | null>;

/** The reading half of {@link CaStoreTransfer}: what a copy is made from and verified against. */
export interface CaStoreExport {
  /** The rows of a table in key order, in batches (the outbox's pending rows are made first). */
  exportRows(table: CaStoreTable): AsyncIterable<CaStoreTransferRow[]>;
  /** How many rows a table holds. */
  count(table: CaStoreTable): Promise<number>;
  /** The last number each counter handed out (0 when none). */
  sequences(): Promise<Record<CaStoreSequence, number>>;
}

/**
 * Table-level access to a store's data, for moving a CA from one store to another (`certexit store migrate`). The
 * CA must not be running while it is copied, unless the copy is read through {@link CaStoreTransfer.snapshot}.
 */
export interface CaStoreTransfer extends CaStoreExport {
  /** Writes rows, keys as given, into a table of a store being filled (in {@link CA_STORE_TABLES} order). */
  importRows(table: CaStoreTable, rows: readonly CaStoreTransferRow[]): Promise<void>;
  /** Raises the counters to at least these values (never lowers one). */
  raiseSequences(values: Readonly<Record<CaStoreSequence, number>>): Promise<void>;
  /**
   * Runs `work` on one consistent, read-only view of the whole store (PostgreSQL: a `REPEATABLE READ READ ONLY`
   * transaction on one connection) while the CA goes on writing: what an online backup exports. Every table and
   * count it reads is as of the same moment; the counters are read as they are then, so never below the keys it
   * holds. A store without it is backed up by its own means (SQLite: `VACUUM INTO`).
   */
  snapshot?<T>(work: (view: CaStoreExport) => Promise<T>): Promise<T>;
}
