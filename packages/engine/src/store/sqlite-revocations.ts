import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { CRL_REASON_REMOVE_FROM_CRL, DB_DISP_ISSUED, DB_DISP_REVOKED } from '@certexit/core';
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
    yield _parseBatch(text, count);
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

/** Hex digit values by character code; -1 for anything else. */
const _HEX = new Int8Array(256).fill(-1);
for (let c = 0; c < 10; c++) _HEX[0x30 + c] = c;
for (let c = 0; c < 6; c++) {
  _HEX[0x61 + c] = 10 + c;
  _HEX[0x41 + c] = 10 + c;
}

/** Parses `hex,ms,reason;…` (ASCII) into a batch without making a string or object per entry. */
function _parseBatch(text: Uint8Array, count: number): RevocationBatch {
  const serials = new Uint8Array(count * 20);
  const serialEnds = new Uint32Array(count);
  const effectiveWhen = new Float64Array(count);
  const reasons = new Uint8Array(count);
  const n = text.length;
  let s = 0;
  let p = 0;
  for (let i = 0; i < count; i++) {
    // Serial: hex digits, two per byte, up to the comma.
    const start = s;
    for (;;) {
      const hi = _HEX[text[p]!]!;
      if (!(hi >= 0)) break;
      const lo = _HEX[text[p + 1]!]!;
      if (!(lo >= 0)) throw _malformed(i, 'serial number is not whole bytes of hexadecimal');
      if (s - start === 20) throw _malformed(i, 'serial number longer than 20 bytes');
      serials[s++] = (hi << 4) | lo;
      p += 2;
    }
    if (text[p] !== 0x2c || s === start) throw _malformed(i, 'serial number is not hexadecimal');
    serialEnds[i] = s;
    p++;
    // Effective time: a decimal integer, epoch milliseconds (negative before 1970).
    const negative = text[p] === 0x2d;
    if (negative) p++;
    let ms = 0;
    let digits = 0;
    for (let c = text[p]!; c >= 0x30 && c <= 0x39; c = text[++p]!) {
      ms = ms * 10 + (c - 0x30);
      digits++;
    }
    if (text[p] !== 0x2c || digits === 0) throw _malformed(i, 'revocation time is not a number');
    effectiveWhen[i] = negative ? -ms : ms;
    p++;
    let reason = 0;
    digits = 0;
    for (let c = text[p]!; c >= 0x30 && c <= 0x39; c = text[++p]!) {
      reason = reason * 10 + (c - 0x30);
      digits++;
    }
    if (digits === 0 || reason > 255 || (p < n && text[p] !== 0x3b)) throw _malformed(i, 'reason is not a number');
    reasons[i] = reason;
    p++;
  }
  return { count, serials: serials.subarray(0, s), serialEnds, effectiveWhen, reasons };
}

function _malformed(entry: number, problem: string): Error {
  return new Error(`the CA database holds a malformed revocation entry (${problem}, entry ${entry} of a batch)`);
}
