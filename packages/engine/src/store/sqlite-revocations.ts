import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { CRL_REASON_REMOVE_FROM_CRL, DB_DISP_ISSUED, DB_DISP_REVOKED } from '@certexit/core';
import { parseRevocationBatch } from './parse-revocation-batch';
import type { RevocationBatch, RevocationQuery } from './revocation-batch';

/** Rows per batch: large enough to amortise a statement step, small enough to stay a few hundred kilobytes. */
const _BATCH_ROWS = 10_000;

/**
 * The node:sqlite side of `CaStore.revocations`. SQLite concatenates each batch of rows into one
 * `serial,effective,reason;…` blob (one statement step per 10,000 rows instead of one per row, which costs about a
 * microsecond each through node:sqlite), and this parses it into typed arrays. Batches follow `request_id` with
 * keyset pagination over the covering partial index `requests_crl_entries`, joined through the narrow covering
 * `certificates_crl`: no wide request or certificate row is read.
 */
export async function* sqliteRevocations(
  db: DatabaseSync,
  statements: Map<string, StatementSync>,
  query: RevocationQuery,
): AsyncGenerator<RevocationBatch> {
  const delta = query.changedAfter !== undefined;
  const sql = delta ? _DELTA_SQL : _BASE_SQL;
  let statement = statements.get(sql);
  if (!statement) {
    statement = db.prepare(sql);
    statement.setReturnArrays(true);
    statements.set(sql, statement);
  }
  const asOf = query.asOf.getTime();
  // The expiry cut-off: with includeExpired, the earliest time there is (every certificate counts as unexpired).
  const notExpiredAt = query.includeExpired ? -8.64e15 : asOf;
  const parameters = delta
    ? [query.keyIndex, asOf, query.changedAfter!.getTime(), query.changedAfter!.getTime(), notExpiredAt]
    : [query.keyIndex, asOf, notExpiredAt];
  let after = 0;
  for (;;) {
    const row = statement.get(...parameters, after) as unknown as [number | null, number, Uint8Array | null];
    const [last, count, text] = row;
    if (last === null || text === null || count === 0) return;
    yield parseRevocationBatch(text, count);
    if (count < _BATCH_ROWS) return;
    after = last;
  }
}

const _ENTRY = `c.serial_number || ',' || ifnull(r.revoked_effective_when, r.revoked_when) || ',' || ifnull(r.revoked_reason, 0)`;
const _NOT_EXPIRED = `(c.not_after >= ? OR ifnull(r.publish_expired_cert_in_crl, 0) <> 0)`;
const _BASE_SQL = `SELECT max(id), count(*), CAST(group_concat(entry, ';') AS BLOB) FROM (
  SELECT r.request_id AS id, ${_ENTRY} AS entry
  FROM requests r JOIN certificates c INDEXED BY certificates_crl ON c.request_id = r.request_id
  WHERE r.crl_key_index = ? AND r.disposition = ${DB_DISP_REVOKED}
    AND ifnull(r.revoked_effective_when, r.revoked_when) <= ? AND ${_NOT_EXPIRED} AND r.request_id > ?
  ORDER BY r.request_id LIMIT ${_BATCH_ROWS})`;
const _DELTA_SQL = `SELECT max(id), count(*), CAST(group_concat(entry, ';') AS BLOB) FROM (
  SELECT r.request_id AS id, ${_ENTRY} AS entry
  FROM requests r JOIN certificates c INDEXED BY certificates_crl ON c.request_id = r.request_id
  WHERE r.crl_key_index = ?
    AND ((r.disposition = ${DB_DISP_REVOKED} AND ifnull(r.revoked_effective_when, r.revoked_when) <= ?)
      OR (r.disposition = ${DB_DISP_ISSUED} AND r.revoked_reason = ${CRL_REASON_REMOVE_FROM_CRL}))
    AND (r.revoked_when > ? OR r.revoked_effective_when > ?)
    AND ${_NOT_EXPIRED} AND r.request_id > ?
  ORDER BY r.request_id LIMIT ${_BATCH_ROWS})`;
