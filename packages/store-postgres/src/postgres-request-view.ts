import { DB_DISP_ERROR, DB_DISP_ISSUED, DB_DISP_PENDING, DB_DISP_REVOKED } from '@certexit/core';
import type {
  RequestViewColumn,
  RequestViewFilter,
  RequestViewFolder,
  RequestViewPage,
  RequestViewQuery,
} from '@certexit/engine';
import { assertRequestViewQuery, requestViewPageFromRecords } from '@certexit/engine';
import type { PostgresQuery } from './postgres-views';

/** The `view_folder` of each folder: denied rows share the Failed Requests folder (migration 2). */
const _FOLDER_CODES: Record<RequestViewFolder, number> = {
  issued: DB_DISP_ISSUED,
  revoked: DB_DISP_REVOKED,
  pending: DB_DISP_PENDING,
  failed: DB_DISP_ERROR,
};

/**
 * Each column's sort key as its index holds it: the lowercased generated columns (never NULL, compared byte-wise
 * like SQLite's) and the certificates' own columns. The same expressions as the indexes, so the planner uses them.
 */
const _KEYS: Record<RequestViewColumn, { expr: string; table: 'r' | 'c'; unique?: boolean; text?: boolean }> = {
  RequestID: { expr: 'r.request_id', table: 'r', unique: true },
  RequesterName: { expr: 'r.view_requester', table: 'r', text: true },
  CommonName: { expr: 'r.view_common_name', table: 'r', text: true },
  CertificateTemplate: { expr: 'r.view_template', table: 'r', text: true },
  ResolvedWhen: { expr: 'r.view_resolved', table: 'r' },
  RevokedWhen: { expr: 'r.revoked_when', table: 'r' },
  SerialNumber: { expr: '(c.serial_number COLLATE "C")', table: 'c', unique: true, text: true },
  NotAfter: { expr: 'c.not_after', table: 'c' },
};

const _COLUMNS = `r.request_id, r.disposition, r.disposition_message, r.status_code, r.requester_name,
  r.request_name_json::jsonb ->> 'CommonName' AS common_name, r.certificate_template, r.submitted_when,
  r.resolved_when, r.revoked_when, r.revoked_effective_when, r.revoked_reason, r.officer, c.serial_number,
  c.not_before, c.not_after`;

/**
 * One page of a console folder by keyset, with the SQLite store's semantics (`sqliteRequestViewPage`):
 * `WHERE (key, id) > (cursor) ORDER BY key, id LIMIT n + 1` over an index that starts with the folder. PostgreSQL's
 * planner picks the index (it keeps statistics), so there is no hand-made plan choice as on SQLite.
 */
export async function postgresRequestViewPage(q: PostgresQuery, query: RequestViewQuery): Promise<RequestViewPage> {
  assertRequestViewQuery(query);
  const sort = query.sort ?? 'RequestID';
  const key = _KEYS[sort];
  const id = key.table === 'c' ? 'c.request_id' : 'r.request_id';
  const where: string[] = [];
  const params: unknown[] = [];
  const p = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  if (sort === 'RevokedWhen') where.push(`r.disposition = ${DB_DISP_REVOKED}`);
  where.push(`r.view_folder = ${p(_FOLDER_CODES[query.folder])}`);
  if (query.requesterName !== undefined) where.push(`r.view_requester = lower(${p(query.requesterName)})`);
  for (const filter of query.filters ?? []) where.push(_filter(filter, p));
  const backwards = query.after === undefined && query.before !== undefined;
  const descending = (query.descending ?? false) !== backwards;
  const cursor = query.after ?? query.before;
  const op = descending ? '<' : '>';
  if (cursor) {
    if (key.unique) where.push(`${key.expr} ${op} ${p(sort === 'RequestID' ? cursor.id : cursor.key)}`);
    else where.push(`(${key.expr}, ${id}) ${op} (${p(cursor.key)}, ${p(cursor.id)})`);
  }
  const direction = descending ? 'DESC' : 'ASC';
  const order = key.unique ? `${key.expr} ${direction}` : `${key.expr} ${direction}, ${id} ${direction}`;
  const from =
    key.table === 'c'
      ? 'certificates c JOIN requests r ON r.request_id = c.request_id'
      : 'requests r LEFT JOIN certificates c ON c.request_id = r.request_id';
  const sql = `SELECT ${_COLUMNS}, ${key.expr} AS sort_key FROM ${from} WHERE ${where.join(' AND ')} ORDER BY ${order} LIMIT ${p(query.limit + 1)}`;
  return requestViewPageFromRecords(query, (await q(sql, params)).rows, backwards);
}

function _filter(filter: RequestViewFilter, p: (v: unknown) => string): string {
  const key = _KEYS[filter.column];
  const value = filter.value instanceof Date ? filter.value.getTime() : filter.value;
  if (filter.op === 'prefix') {
    // A range on the lowercased key, so the column's index serves it. U+10FFFF sorts after every character.
    const v = p(String(value));
    return `${key.expr} >= lower(${v}) AND ${key.expr} < lower(${v}) || chr(1114111)`;
  }
  const op = { eq: '=', lt: '<', le: '<=', gt: '>', ge: '>=' }[filter.op];
  return `${key.expr} ${op} ${key.text ? `lower(${p(String(value))})` : p(value)}`;
}
