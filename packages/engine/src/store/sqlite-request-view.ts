import type { SQLInputValue, StatementSync } from 'node:sqlite';
import { DB_DISP_ERROR, DB_DISP_ISSUED, DB_DISP_PENDING, DB_DISP_REVOKED } from '@certexit/core';
import type {
  RequestViewColumn,
  RequestViewCursor,
  RequestViewFilter,
  RequestViewFolder,
  RequestViewPage,
  RequestViewQuery,
  RequestViewRow,
} from './request-view-query';
import { assertRequestViewQuery } from './request-view-query';

/**
 * The `view_folder` value of each folder: the generated column maps `DB_DISP_DENIED` to `DB_DISP_ERROR`, so the
 * Failed Requests folder is one index range (migration 7).
 */
const _FOLDER_CODES: Record<RequestViewFolder, number> = {
  issued: DB_DISP_ISSUED,
  revoked: DB_DISP_REVOKED,
  pending: DB_DISP_PENDING,
  failed: DB_DISP_ERROR,
};

/**
 * Each column's sort key as the index holds it. Text keys are the lowercased generated columns (never NULL, so a
 * keyset comparison never meets a NULL); the certificate columns come from the certificates table's own indexes.
 */
const _KEYS: Record<RequestViewColumn, { expr: string; table: 'r' | 'c'; unique?: boolean; text?: boolean }> = {
  RequestID: { expr: 'r.request_id', table: 'r', unique: true },
  RequesterName: { expr: 'r.view_requester', table: 'r', text: true },
  CommonName: { expr: 'r.view_common_name', table: 'r', text: true },
  CertificateTemplate: { expr: 'r.view_template', table: 'r', text: true },
  ResolvedWhen: { expr: 'r.view_resolved', table: 'r' },
  RevokedWhen: { expr: 'r.revoked_when', table: 'r' },
  SerialNumber: { expr: 'c.serial_number', table: 'c', unique: true, text: true },
  NotAfter: { expr: 'c.not_after', table: 'c' },
};

const _COLUMNS = `r.request_id, r.disposition, r.disposition_message, r.status_code, r.requester_name,
  json_extract(r.request_name_json, '$.CommonName') AS common_name, r.certificate_template, r.submitted_when,
  r.resolved_when, r.revoked_when, r.revoked_effective_when, r.revoked_reason, r.officer, c.serial_number,
  c.not_before, c.not_after`;

/**
 * One page of a folder, by keyset: `WHERE (key, id) > (cursor) ORDER BY key, id LIMIT n` on an index that starts
 * with the folder (or, for the certificate columns, on the certificates table's index, joined in that order), so
 * SQLite reads `n + 1` index entries wherever the page is. The query-plan test checks that no sort is left.
 */
export function sqliteRequestViewPage(
  prepare: (sql: string) => StatementSync,
  query: RequestViewQuery,
): RequestViewPage {
  assertRequestViewQuery(query);
  const { sql, params, backwards } = buildRequestViewSql(query);
  const fetched = prepare(sql).all(...params);
  const more = fetched.length > query.limit;
  const rows = fetched.slice(0, query.limit);
  if (backwards) rows.reverse();
  const cursorOf = (row: Record<string, unknown> | undefined): RequestViewCursor | undefined =>
    row && { key: row.sort_key as string | number, id: Number(row.request_id) };
  const first = cursorOf(rows[0]);
  const last = cursorOf(rows[rows.length - 1]);
  return {
    rows: rows.map(_viewRow),
    ...(backwards
      ? { ...(more && { previous: first }), ...(last && { next: last }) }
      : { ...(more && { next: last }), ...(query.after && first && { previous: first }) }),
  };
}

/** The SQL and parameters of a page; exported for the query-plan test. */
export function buildRequestViewSql(query: RequestViewQuery): {
  sql: string;
  params: SQLInputValue[];
  backwards: boolean;
} {
  const sort = query.sort ?? 'RequestID';
  const key = _KEYS[sort];
  const id = key.table === 'c' ? 'c.request_id' : 'r.request_id';
  const where: string[] = [];
  const params: SQLInputValue[] = [];
  // Revocation time has a partial index over revoked rows only; its WHERE term must appear for SQLite to use it.
  if (sort === 'RevokedWhen') where.push(`r.disposition = ${DB_DISP_REVOKED}`);
  else {
    where.push('r.view_folder = ?');
    params.push(_FOLDER_CODES[query.folder]);
  }
  if (query.requesterName !== undefined) {
    where.push('r.view_requester = lower(?)');
    params.push(query.requesterName);
  }
  for (const filter of query.filters ?? []) _filter(filter, where, params);
  const backwards = query.after === undefined && query.before !== undefined;
  const descending = (query.descending ?? false) !== backwards;
  const cursor = query.after ?? query.before;
  const op = descending ? '<' : '>';
  if (cursor) {
    if (key.unique) {
      where.push(`${key.expr} ${op} ?`);
      params.push(sort === 'RequestID' ? cursor.id : cursor.key);
    } else {
      where.push(`(${key.expr}, ${id}) ${op} (?, ?)`);
      params.push(cursor.key, cursor.id);
    }
  }
  const direction = descending ? 'DESC' : 'ASC';
  const order = key.unique ? `${key.expr} ${direction}` : `${key.expr} ${direction}, ${id} ${direction}`;
  // CROSS JOIN fixes the join order: walk the certificate index in order and look each request up, instead of
  // letting the planner read the whole folder and sort it. A requester's rows, or rows a filter on a request
  // column narrows, are few: there the planner finds them by that index and sorts them.
  const narrowed =
    query.requesterName !== undefined || (query.filters ?? []).some((f) => _KEYS[f.column].table === 'r');
  const from =
    key.table === 'c'
      ? narrowed
        ? 'requests r JOIN certificates c ON c.request_id = r.request_id'
        : 'certificates c CROSS JOIN requests r ON r.request_id = c.request_id'
      : 'requests r LEFT JOIN certificates c ON c.request_id = r.request_id';
  params.push(query.limit + 1);
  return {
    sql: `SELECT ${_COLUMNS}, ${key.expr} AS sort_key FROM ${from} WHERE ${where.join(' AND ')} ORDER BY ${order} LIMIT ?`,
    params,
    backwards,
  };
}

function _filter(filter: RequestViewFilter, where: string[], params: SQLInputValue[]): void {
  const key = _KEYS[filter.column];
  const value = filter.value instanceof Date ? filter.value.getTime() : filter.value;
  if (filter.op === 'prefix') {
    // A range on the lowercased key: uses the column's index. U+10FFFF sorts after every character.
    where.push(`${key.expr} >= lower(?) AND ${key.expr} < lower(?) || char(1114111)`);
    params.push(value, value);
    return;
  }
  const op = { eq: '=', lt: '<', le: '<=', gt: '>', ge: '>=' }[filter.op];
  where.push(`${key.expr} ${op} ${key.text ? 'lower(?)' : '?'}`);
  params.push(value);
}

function _viewRow(row: Record<string, unknown>): RequestViewRow {
  const date = (v: unknown) => (v === null || v === undefined ? undefined : new Date(Number(v)));
  const text = (v: unknown) => (v === null || v === undefined ? undefined : String(v));
  const disposition = Number(row.disposition);
  return {
    RequestID: Number(row.request_id),
    Disposition: disposition,
    ...(text(row.disposition_message) !== undefined && { DispositionMessage: text(row.disposition_message) }),
    StatusCode: Number(row.status_code),
    ...(text(row.requester_name) !== undefined && { RequesterName: text(row.requester_name) }),
    ...(text(row.common_name) !== undefined && { CommonName: text(row.common_name) }),
    ...(text(row.certificate_template) !== undefined && { CertificateTemplate: text(row.certificate_template) }),
    SubmittedWhen: new Date(Number(row.submitted_when)),
    ...(date(row.resolved_when) && { ResolvedWhen: date(row.resolved_when) }),
    ...(date(row.revoked_when) && { RevokedWhen: date(row.revoked_when) }),
    ...(date(row.revoked_effective_when) && { RevokedEffectiveWhen: date(row.revoked_effective_when) }),
    ...(row.revoked_reason !== null &&
      row.revoked_reason !== undefined && { RevokedReason: Number(row.revoked_reason) }),
    ...(text(row.officer) !== undefined && { Officer: text(row.officer) }),
    ...(text(row.serial_number) !== undefined && { SerialNumber: text(row.serial_number) }),
    ...(date(row.not_before) && { NotBefore: date(row.not_before) }),
    ...(date(row.not_after) && { NotAfter: date(row.not_after) }),
  };
}
