import type { AuditEntry, AuditRecord, ViewCondition, ViewRowsPage, ViewRowsQuery, ViewTable } from '@certexit/engine';
import { auditRecordFromRecord, parseViewCursor, resolveViewColumns, toViewRowsPage } from '@certexit/engine';
import type { QueryResult, QueryResultRow } from 'pg';
import { bytes } from './postgres-rows';

/** A query on the store's pool (or the current transaction's connection). */
export type PostgresQuery = <R extends QueryResultRow = Record<string, unknown>>(
  text: string,
  values?: unknown[],
  name?: string,
) => Promise<QueryResult<R>>;

/** Each view table's FROM clause, row key (the keyset tie-breaker, unique) and store columns, as in SQLite. */
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
      SerialNumber: '(c.serial_number COLLATE "C")',
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
 * One page of a `certutil -view` table with the SQLite store's semantics (`buildViewRowsSql`): conditions in SQL
 * (text compared lowercased on both sides), ordered by the sort column then the row key, from the cursor on by a
 * row-value comparison, `LIMIT n + 1` to know whether a page follows; the same cursors as SQLite's.
 */
export async function postgresViewRows(q: PostgresQuery, query: ViewRowsQuery): Promise<ViewRowsPage> {
  if (!Number.isInteger(query.limit) || query.limit < 1) throw new Error(`a view page has at least one row`);
  const table = _TABLES[query.table];
  const { conditions, sort } = resolveViewColumns(query, table.columns);
  const where: string[] = [];
  const params: unknown[] = [];
  const p = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  for (const { sql, kind, condition } of conditions) where.push(_condition(sql, kind, condition, p));
  // Sorting by a certificate column lists only the rows with a certificate, as on SQLite.
  const byCertificate = sort?.includes('c.') === true;
  const rowKey = byCertificate ? ['c.request_id'] : table.key;
  const keys = sort && !(rowKey.length === 1 && rowKey[0] === sort) ? [sort, ...rowKey] : rowKey;
  const from = byCertificate ? 'certificates c JOIN requests r ON r.request_id = c.request_id' : table.from;
  const direction = query.descending ? 'DESC' : 'ASC';
  if (query.after !== undefined) {
    const cursor = parseViewCursor(query.after, keys.length);
    where.push(`(${keys.join(', ')}) ${query.descending ? '<' : '>'} (${cursor.map(p).join(', ')})`);
  }
  const select = [
    ...Object.entries(table.columns).map(([name, sql]) => `${sql} AS "${name}"`),
    ...keys.map((k, i) => `${k} AS "__k${i}"`),
  ];
  const sql = `SELECT ${select.join(', ')} FROM ${from}${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY ${keys.map((k) => `${k} ${direction}`).join(', ')} LIMIT ${p(query.limit + 1)}`;
  return toViewRowsPage(query, (await q(sql, params)).rows, { toBytes: bytes });
}

function _condition(sql: string, kind: string, c: ViewCondition, p: (v: unknown) => string): string {
  const value = c.value instanceof Date ? c.value.getTime() : c.value;
  if (kind === 'text') {
    // Serial numbers and hashes are stored lowercase: compared as stored, their index serves.
    if (sql.includes('c.serial_number') || sql === 'c.certificate_hash')
      return `${sql} ${c.op} ${p(String(value).replace(/\s+/g, '').toLowerCase())}`;
    const v = p(String(value));
    return c.op === '!=' ? `(${sql} IS NULL OR lower(${sql}) != lower(${v}))` : `lower(${sql}) ${c.op} lower(${v})`;
  }
  const v = p(value);
  return c.op === '!=' ? `(${sql} IS NULL OR ${sql} != ${v})` : `${sql} ${c.op} ${v}`;
}

/** Appends one entry to the configuration audit log; its id. */
export async function postgresRecordAudit(q: PostgresQuery, entry: AuditEntry): Promise<number> {
  const r = await q(
    `INSERT INTO audit_log (at, identity, role, action, target, old_value, new_value)
     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING audit_id`,
    [
      entry.at.getTime(),
      entry.identity,
      entry.role ?? null,
      entry.action,
      entry.target,
      entry.oldValue ?? null,
      entry.newValue ?? null,
    ],
    'certexit_record_audit',
  );
  return Number(r.rows[0]!.audit_id);
}

/** The audit log, newest first, below `before`. */
export async function postgresListAudit(
  q: PostgresQuery,
  options: { limit?: number; before?: number } = {},
): Promise<AuditRecord[]> {
  const r = await q(
    'SELECT * FROM audit_log WHERE audit_id < $1 ORDER BY audit_id DESC LIMIT $2',
    [options.before ?? Number.MAX_SAFE_INTEGER, options.limit ?? 100],
    'certexit_list_audit',
  );
  return r.rows.map(auditRecordFromRecord);
}
