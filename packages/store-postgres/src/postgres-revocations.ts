import { CRL_REASON_REMOVE_FROM_CRL, DB_DISP_ISSUED, DB_DISP_REVOKED } from '@certexit/core';
import type { RevocationBatch, RevocationQuery } from '@certexit/engine';
import { parseRevocationBatch } from '@certexit/engine';
import type { QueryResult, QueryResultRow } from 'pg';

type Query = <R extends QueryResultRow>(text: string, values?: unknown[], name?: string) => Promise<QueryResult<R>>;

/** Rows per batch: one round trip per 10,000 CRL entries. */
const _BATCH_ROWS = 10_000;

const _ENTRY = `c.serial_number || ',' || coalesce(r.revoked_effective_when, r.revoked_when) || ',' || coalesce(r.revoked_reason, 0)`;
/** Not expired at the given parameter (the CRL's time, or the earliest time there is with `includeExpired`). */
const _notExpired = (at: string) => `(c.not_after >= ${at} OR coalesce(r.publish_expired_cert_in_crl, 0) <> 0)`;
const _BASE = `SELECT max(id) AS last, count(*) AS n, string_agg(entry, ';' ORDER BY id) AS text FROM (
  SELECT r.request_id AS id, ${_ENTRY} AS entry
    FROM requests r JOIN certificates c ON c.request_id = r.request_id
   WHERE r.crl_key_index = $1 AND r.disposition = ${DB_DISP_REVOKED}
     AND coalesce(r.revoked_effective_when, r.revoked_when) <= $2 AND ${_notExpired('$4')} AND r.request_id > $3
   ORDER BY r.request_id LIMIT ${_BATCH_ROWS}) t`;
const _DELTA = `SELECT max(id) AS last, count(*) AS n, string_agg(entry, ';' ORDER BY id) AS text FROM (
  SELECT r.request_id AS id, ${_ENTRY} AS entry
    FROM requests r JOIN certificates c ON c.request_id = r.request_id
   WHERE r.crl_key_index = $1
     AND ((r.disposition = ${DB_DISP_REVOKED} AND coalesce(r.revoked_effective_when, r.revoked_when) <= $2)
       OR (r.disposition = ${DB_DISP_ISSUED} AND r.revoked_reason = ${CRL_REASON_REMOVE_FROM_CRL}))
     AND (r.revoked_when > $4 OR r.revoked_effective_when > $4)
     AND ${_notExpired('$5')} AND r.request_id > $3
   ORDER BY r.request_id LIMIT ${_BATCH_ROWS}) t`;

/**
 * The PostgreSQL side of `CaStore.revocations`: keyset batches of 10,000 entries over `requests_crl_entries`, each
 * concatenated by the server into one `serial,effective,reason;…` text that `parseRevocationBatch` reads into typed
 * arrays (no object per entry). Read inside the CRL's transaction, on its connection.
 */
export async function* postgresRevocations(query: Query, q: RevocationQuery): AsyncGenerator<RevocationBatch> {
  const delta = q.changedAfter !== undefined;
  const asOf = q.asOf.getTime();
  const notExpiredAt = q.includeExpired ? -8.64e15 : asOf;
  let after = 0;
  for (;;) {
    const values = delta
      ? [q.keyIndex, asOf, after, q.changedAfter!.getTime(), notExpiredAt]
      : [q.keyIndex, asOf, after, notExpiredAt];
    const r = await query<{ last: number | null; n: number; text: string | null }>(
      delta ? _DELTA : _BASE,
      values,
      delta ? 'certexit_delta_entries' : 'certexit_base_entries',
    );
    const row = r.rows[0];
    const count = Number(row?.n ?? 0);
    if (!row || row.last === null || row.text === null || count === 0) return;
    yield parseRevocationBatch(Buffer.from(row.text, 'latin1'), count);
    if (count < _BATCH_ROWS) return;
    after = Number(row.last);
  }
}
