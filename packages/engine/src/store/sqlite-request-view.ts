import type { SQLInputValue, StatementSync } from 'node:sqlite';
import { DB_DISP_ERROR, DB_DISP_ISSUED, DB_DISP_PENDING, DB_DISP_REVOKED } from '@certexit/core';
import type {
  RequestViewColumn,
  RequestViewFilter,
  RequestViewFolder,
  RequestViewPage,
  RequestViewQuery,
} from './request-view-query';
import { assertRequestViewQuery } from './request-view-query';
import { requestViewPageFromRecords } from './store-rows';

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
const _KEYS: Record<
  RequestViewColumn,
  { expr: string; table: 'r' | 'c'; index: string; unique?: boolean; text?: boolean }
> = {
  RequestID: { expr: 'r.request_id', table: 'r', index: 'requests_view_id', unique: true },
  RequesterName: { expr: 'r.view_requester', table: 'r', index: 'requests_view_requester', text: true },
  CommonName: { expr: 'r.view_common_name', table: 'r', index: 'requests_view_common_name', text: true },
  CertificateTemplate: { expr: 'r.view_template', table: 'r', index: 'requests_view_template', text: true },
  ResolvedWhen: { expr: 'r.view_resolved', table: 'r', index: 'requests_view_resolved' },
  RevokedWhen: { expr: 'r.revoked_when', table: 'r', index: 'requests_view_revoked' },
  // certificates.serial_number is UNIQUE: SQLite's own index serves it.
  SerialNumber: {
    expr: 'c.serial_number',
    table: 'c',
    index: 'sqlite_autoindex_certificates_1',
    unique: true,
    text: true,
  },
  NotAfter: { expr: 'c.not_after', table: 'c', index: 'certificates_view_not_after' },
};

/**
 * Below this many matching rows, a filter on another column than the sort is served by the filter's index and the
 * matches are sorted (sorting a few thousand rows is cheaper than walking the sort's index past non-matches);
 * above it, matches are dense enough that walking the sort's index finds a page after a few thousand rows.
 */
export const NARROW_FILTER_ROWS = 2000;

/** Request columns whose index is (folder, column, RequestID): an equality on them keeps RequestID order. */
const _EXACT_COLUMNS: readonly RequestViewColumn[] = [
  'RequesterName',
  'CommonName',
  'CertificateTemplate',
  'ResolvedWhen',
];

/**
 * How a page is read: `sort` walks the sort column's index in order and stops after the page (filters checked row
 * by row); `narrow` reads the rows a filter (or the requester) selects by that column's index and sorts them.
 */
export type RequestViewPlan =
  | { kind: 'sort' }
  | { kind: 'narrow'; column: RequestViewColumn }
  /** An equality on a request column, sorted by RequestID: that column's index holds the rows in RequestID order. */
  | { kind: 'exact'; column: RequestViewColumn };

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
  const { sql, params, backwards } = buildRequestViewSql(query, chooseRequestViewPlan(prepare, query));
  return requestViewPageFromRecords(query, prepare(sql).all(...params), backwards);
}

/**
 * Chooses how to read a page. Filters on the sort column (and the requester, or an equality, with the RequestID
 * sort: their index ends in RequestID) narrow the sort's own index range: always `sort`. A filter on another
 * column is counted on its index, up to {@link NARROW_FILTER_ROWS}: few matches are read by that index and sorted
 * (`narrow`), many by walking the sort's index (`sort`). Either way a page reads at most a few thousand index
 * entries, wherever it is in a million-row folder.
 */
export function chooseRequestViewPlan(
  prepare: (sql: string) => StatementSync,
  query: RequestViewQuery,
): RequestViewPlan {
  const sort = query.sort ?? 'RequestID';
  const filters: RequestViewFilter[] = [
    ...(query.requesterName !== undefined
      ? [{ column: 'RequesterName' as const, op: 'eq' as const, value: query.requesterName }]
      : []),
    ...(query.filters ?? []),
  ];
  if (sort === 'RequestID') {
    const exact = filters.find((f) => f.op === 'eq' && _EXACT_COLUMNS.includes(f.column));
    if (exact) return { kind: 'exact', column: exact.column };
  }
  const narrowing = filters.filter((f) => f.column !== sort);
  if (narrowing.length === 0) return { kind: 'sort' };
  let best: { column: RequestViewColumn; rows: number } | undefined;
  for (const filter of narrowing) {
    const key = _KEYS[filter.column];
    const where: string[] = [];
    const params: SQLInputValue[] = [];
    if (key.table === 'r' && filter.column !== 'RevokedWhen') {
      where.push('r.view_folder = ?');
      params.push(_FOLDER_CODES[query.folder]);
    } else if (filter.column === 'RevokedWhen') where.push(`r.disposition = ${DB_DISP_REVOKED}`);
    _filter(filter, where, params);
    const table = key.table === 'r' ? 'requests r' : 'certificates c';
    const rows = Number(
      prepare(
        `SELECT count(*) AS n FROM (SELECT 1 FROM ${table} INDEXED BY ${key.index} WHERE ${where.join(' AND ')} LIMIT ${NARROW_FILTER_ROWS})`,
      ).get(...params)?.n ?? 0,
    );
    if (!best || rows < best.rows) best = { column: filter.column, rows };
  }
  return best && best.rows < NARROW_FILTER_ROWS ? { kind: 'narrow', column: best.column } : { kind: 'sort' };
}

/** The SQL and parameters of a page read by `plan`; exported for the query-plan test. */
export function buildRequestViewSql(
  query: RequestViewQuery,
  plan: RequestViewPlan = { kind: 'sort' },
): {
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
  if (sort === 'RevokedWhen' || (plan.kind === 'narrow' && plan.column === 'RevokedWhen'))
    where.push(`r.disposition = ${DB_DISP_REVOKED}`);
  where.push('r.view_folder = ?');
  params.push(_FOLDER_CODES[query.folder]);
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
  // INDEXED BY makes the plan the one chosen, not the planner's guess (it has no statistics on ranges). CROSS JOIN
  // fixes the join order: walking the certificates' index, each request is looked up by its key.
  let from: string;
  if (plan.kind === 'exact') {
    from = `requests r INDEXED BY ${_KEYS[plan.column].index} LEFT JOIN certificates c ON c.request_id = r.request_id`;
  } else if (plan.kind === 'narrow') {
    const by = _KEYS[plan.column];
    from =
      by.table === 'r'
        ? `requests r INDEXED BY ${by.index} ${key.table === 'c' ? 'JOIN' : 'LEFT JOIN'} certificates c ON c.request_id = r.request_id`
        : `certificates c INDEXED BY ${by.index} CROSS JOIN requests r ON r.request_id = c.request_id`;
  } else {
    from =
      key.table === 'c'
        ? `certificates c INDEXED BY ${key.index} CROSS JOIN requests r ON r.request_id = c.request_id`
        : `requests r INDEXED BY ${key.index} LEFT JOIN certificates c ON c.request_id = r.request_id`;
  }
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
