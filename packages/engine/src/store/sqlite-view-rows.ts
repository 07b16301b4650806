import type { SQLInputValue, StatementSync } from 'node:sqlite';
import { parseViewCursor, resolveViewColumns, toViewRowsPage } from './view-rows-page';
import type { ViewCondition, ViewRowsPage, ViewRowsQuery, ViewTable } from './view-rows-query';

/** Each table's FROM clause, row key (the keyset tie-breaker, unique) and store columns as SQL. */
const _TABLES: Record<ViewTable, { from: string; key: string[]; columns: Record<string, string> }> = {
  requests: {
    from: 'requests r LEFT JOIN certificates c ON c.request_id = r.request_id',
    key: ['r.request_id'],
    columns: {
      RequestID: 'r.request_id',
      Disposition: 'r.disposition',
      StatusCode: 'r.status_code',
      RequestType: 'r.request_type',
      DispositionMessage: 'r.disposition_message',
      SubmittedWhen: 'r.submitted_when',
      ResolvedWhen: 'r.resolved_when',
      RevokedWhen: 'r.revoked_when',
      RevokedEffectiveWhen: 'r.revoked_effective_when',
      RevokedReason: 'r.revoked_reason',
      RequesterName: 'r.requester_name',
      CallerName: 'r.caller_name',
      Officer: 'r.officer',
      CertificateTemplate: 'r.certificate_template',
      SerialNumber: 'c.serial_number',
      CertificateHash: 'c.certificate_hash',
      NotBefore: 'c.not_before',
      NotAfter: 'c.not_after',
    },
  },
  extensions: {
    from: 'request_extensions e',
    key: ['e.request_id', 'e.seq'],
    columns: {
      ExtensionRequestId: 'e.request_id',
      ExtensionName: 'e.oid',
      ExtensionFlags: 'e.flags',
      ExtensionRawValue: 'e.value',
    },
  },
  attributes: {
    from: 'request_attributes a',
    key: ['a.request_id', 'a.seq'],
    columns: { AttributeRequestId: 'a.request_id', AttributeName: 'a.name', AttributeValue: 'a.value' },
  },
  crls: {
    from: 'crls l',
    key: ['l.crl_id'],
    columns: {
      CRLRowId: 'l.crl_id',
      CRLNumber: 'l.crl_number',
      CRLNameId: 'l.key_index',
      CRLMinBase: 'l.is_delta',
      CRLThisUpdate: 'l.this_update',
      CRLNextUpdate: 'l.next_update',
      CRLNextPublish: 'l.next_publish',
      CRLRawCRL: 'l.raw',
    },
  },
};

/**
 * One page of a view table: the conditions in SQL (`lower()` on both sides for text), ordered by the sort column
 * then the row key, from the cursor on (a row-value comparison, so SQLite seeks in the index), `LIMIT n + 1` to know
 * whether a page follows. With the default sort (the row key), a disposition equality or range reads the
 * disposition index in RequestID order and a RequestID range the table itself: a page costs the same at any depth
 * (the query-plan test checks there is no sort step).
 */
export function buildViewRowsSql(query: ViewRowsQuery): { sql: string; params: SQLInputValue[] } {
  const table = _TABLES[query.table];
  const { conditions, sort } = resolveViewColumns(query, table.columns);
  const where: string[] = [];
  const params: SQLInputValue[] = [];
  for (const { sql, kind, condition } of conditions) where.push(..._condition(sql, kind, condition, params));
  // Sorting by a certificate column walks the certificates' index (serial number, or NotAfter: migration 9) and
  // looks each request up: only rows with a certificate. A sort key that is the whole row key needs no tie-breaker.
  const byCertificate = sort?.startsWith('c.') === true;
  const rowKey = byCertificate ? ['c.request_id'] : table.key;
  const keys = sort && !(rowKey.length === 1 && rowKey[0] === sort) ? [sort, ...rowKey] : rowKey;
  const from = byCertificate ? 'certificates c CROSS JOIN requests r ON r.request_id = c.request_id' : table.from;
  const direction = query.descending ? 'DESC' : 'ASC';
  if (query.after !== undefined) {
    const cursor = parseViewCursor(query.after, keys.length);
    where.push(`(${keys.join(', ')}) ${query.descending ? '<' : '>'} (${keys.map(() => '?').join(', ')})`);
    params.push(...cursor);
  }
  const select = [
    ...Object.entries(table.columns).map(([name, sql]) => `${sql} AS "${name}"`),
    ...keys.map((k, i) => `${k} AS "__k${i}"`),
    ...(query.table === 'crls' ? ['l.raw_parts AS "__parts"'] : []),
  ];
  params.push(query.limit + 1);
  return {
    sql: `SELECT ${select.join(', ')} FROM ${from}${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY ${keys.map((k) => `${k} ${direction}`).join(', ')} LIMIT ?`,
    params,
  };
}

/** Runs {@link buildViewRowsSql} and returns the page. */
export function sqliteViewRows(prepare: (sql: string) => StatementSync, query: ViewRowsQuery): ViewRowsPage {
  if (!Number.isInteger(query.limit) || query.limit < 1) throw new Error(`a view page has at least one row`);
  const { sql, params } = buildViewRowsSql(query);
  return toViewRowsPage(query, prepare(sql).all(...params), {
    toBytes: (v) => new Uint8Array(v as Uint8Array),
    complete: (row, record) => {
      if (query.table !== 'crls' || Number(row.__parts ?? 0) === 0) return;
      const parts = prepare('SELECT bytes FROM crl_parts WHERE crl_id = ? ORDER BY seq')
        .all(Number(row.CRLRowId))
        .map((p) => Buffer.from(p.bytes as Uint8Array));
      record.CRLRawCRL = new Uint8Array(Buffer.concat(parts));
    },
  });
}

function _condition(sql: string, kind: string, c: ViewCondition, params: SQLInputValue[]): string[] {
  const value = c.value instanceof Date ? c.value.getTime() : c.value;
  if (kind === 'text') {
    // SerialNumber and the hashes are stored lowercase: comparing the column as stored keeps their index usable.
    if (sql === 'c.serial_number' || sql === 'c.certificate_hash') {
      params.push(String(value).replace(/\s+/g, '').toLowerCase());
      return [`${sql} ${c.op} ?`];
    }
    params.push(String(value));
    return c.op === '!=' ? [`(${sql} IS NULL OR lower(${sql}) != lower(?))`] : [`lower(${sql}) ${c.op} lower(?)`];
  }
  params.push(value);
  return c.op === '!=' ? [`(${sql} IS NULL OR ${sql} != ?)`] : [`${sql} ${c.op} ?`];
}
