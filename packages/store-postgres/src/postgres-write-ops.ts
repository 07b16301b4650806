import type { CaCertificateRow, CertificateRow, CrlRow, RequestRow, StoredExtension } from '@certexit/engine';
import type { ClientBase } from 'pg';
import type { BinaryElementType } from './postgres-binary-arrays';
import { binaryArray, isBinaryElementType } from './postgres-binary-arrays';
import {
  CERTIFICATE_COLUMNS,
  certificateInsertValues,
  param,
  REQUEST_COLUMN_TYPES,
  REQUEST_INSERT_COLUMNS,
  requestInsertValues,
  requestUpdateValues,
} from './postgres-rows';

/** One write of a transaction, kept until it is sent (see postgres-transactions.ts). */
export type WriteOp =
  | { kind: 'request'; id: number; row: Omit<RequestRow, 'RequestID'> }
  | { kind: 'update-request'; id: number; changes: Partial<Omit<RequestRow, 'RequestID'>> }
  | { kind: 'certificate'; row: CertificateRow }
  | { kind: 'attributes'; requestId: number; rows: ReadonlyArray<readonly [string, string]>; replace: boolean }
  | { kind: 'extensions'; requestId: number; rows: readonly StoredExtension[]; replace: boolean }
  | { kind: 'ca-certificate'; row: CaCertificateRow }
  | { kind: 'update-ca-certificate'; certIndex: number; raw?: Uint8Array; state?: number }
  | { kind: 'crl'; row: CrlRow }
  | { kind: 'event'; event: number; context: number; createdAt: number; modules: readonly string[] };

/** What a flush of writes handed out, for the high-water mark, and whether the outbox got rows. */
export interface WriteResult {
  requestId: number;
  eventId: number;
  crlNumber: number;
  outboxRows: number;
}

/** Writes the batched path can send as one statement: new requests with their rows, and exit events. */
export function isBatchable(op: WriteOp): boolean {
  return (
    op.kind === 'request' ||
    op.kind === 'certificate' ||
    op.kind === 'event' ||
    ((op.kind === 'attributes' || op.kind === 'extensions') && !op.replace)
  );
}

/** The request a write adds rows to (its certificate, attributes or extensions), if it is such a write. */
export function parentRequestOf(op: WriteOp): number | undefined {
  if (op.kind === 'certificate') return op.row.RequestID;
  if (op.kind === 'attributes' || op.kind === 'extensions') return op.requestId;
  return undefined;
}

/**
 * Whether a request's rows may be written: it exists, and stays until this transaction ends (`FOR KEY SHARE`, what
 * a foreign key would take; a concurrent `deleterow` waits, then deletes them with it). The schema has no foreign
 * keys (migration 3): the batched path writes only rows of requests it inserts, and the other writes check here.
 */
async function _requireRequest(client: ClientBase, requestId: number, known: Set<number>): Promise<void> {
  if (known.has(requestId)) return;
  const r = await client.query({
    name: 'certexit_require_request',
    text: 'SELECT 1 FROM requests WHERE request_id = $1 FOR KEY SHARE',
    values: [requestId],
  });
  if (r.rowCount !== 1) throw new Error(`the CA database has no request ${requestId}`);
  known.add(requestId);
}

const _EVENT_COLUMNS = ['event', 'context', 'created_at', 'modules'];

/** The values of an exit event's row, in {@link _EVENT_COLUMNS} order (its modules one per line, or NULL). */
function _eventValues(op: Extract<WriteOp, { kind: 'event' }>): unknown[] {
  return [op.event, op.context, op.createdAt, op.modules.length > 0 ? op.modules.join('\n') : null];
}

/** Inserts one exit event with its outbox rows (one per module, in order); answers its EventID. */
const _INSERT_EVENT = `WITH e AS (
    INSERT INTO exit_events (${_EVENT_COLUMNS.join(', ')}) VALUES ($1, $2, $3, $4) RETURNING event_id, event, context, created_at
  ), o AS (
    INSERT INTO exit_outbox (prog_id, event_id, event, context, status, attempts, next_attempt_at, created_at, updated_at)
    SELECT m.prog_id, e.event_id, e.event, e.context, 'pending', 0, e.created_at, e.created_at, e.created_at
      FROM e CROSS JOIN LATERAL unnest($5::text[]) WITH ORDINALITY AS m(prog_id, n) ORDER BY m.n RETURNING 1
  ) SELECT (SELECT event_id FROM e) AS event_id, (SELECT count(*) FROM o) AS outbox_rows`;

/**
 * Sends writes one statement at a time on a connection inside a transaction (updates, CA certificates and CRLs,
 * and the writes of a transaction that reads): in their order, each as the SQLite store would make it. `created`
 * holds the RequestIDs this transaction inserts, whose rows need no check.
 */
export async function executeOps(
  client: ClientBase,
  ops: readonly WriteOp[],
  created: Iterable<number> = [],
): Promise<WriteResult> {
  const result: WriteResult = { requestId: 0, eventId: 0, crlNumber: 0, outboxRows: 0 };
  const known = new Set(created);
  for (const op of ops) {
    const parent = parentRequestOf(op);
    if (parent !== undefined) await _requireRequest(client, parent, known);
    switch (op.kind) {
      case 'request': {
        const values = requestInsertValues(op.id, op.row);
        await client.query({
          name: 'certexit_insert_request',
          text: `INSERT INTO requests (${REQUEST_INSERT_COLUMNS.join(', ')}) VALUES (${values.map((_, i) => `$${i + 1}`).join(', ')})`,
          values,
        });
        known.add(op.id);
        result.requestId = Math.max(result.requestId, op.id);
        break;
      }
      case 'update-request': {
        const { names, values } = requestUpdateValues(op.changes);
        if (names.length === 0) break;
        const updated = await client.query(
          `UPDATE requests SET ${names.map((n, i) => `${n} = $${i + 1}`).join(', ')} WHERE request_id = $${names.length + 1}`,
          [...values, op.id],
        );
        if (updated.rowCount !== 1) throw new Error(`the CA database has no request ${op.id}`);
        break;
      }
      case 'certificate': {
        const values = certificateInsertValues(op.row);
        await client.query({
          name: 'certexit_insert_certificate',
          text: `INSERT INTO certificates (${CERTIFICATE_COLUMNS.join(', ')}) VALUES (${values.map((_, i) => `$${i + 1}`).join(', ')})`,
          values,
        });
        break;
      }
      case 'attributes':
        if (op.replace) await client.query('DELETE FROM request_attributes WHERE request_id = $1', [op.requestId]);
        if (op.rows.length > 0)
          await client.query(
            `INSERT INTO request_attributes (request_id, seq, name, value)
               SELECT $1, s - 1, n, v FROM unnest($2::text[], $3::text[]) WITH ORDINALITY AS u(n, v, s)`,
            [op.requestId, op.rows.map(([n]) => n), op.rows.map(([, v]) => v)],
          );
        break;
      case 'extensions':
        if (op.replace) await client.query('DELETE FROM request_extensions WHERE request_id = $1', [op.requestId]);
        if (op.rows.length > 0)
          await client.query(
            `INSERT INTO request_extensions (request_id, seq, oid, flags, value)
               SELECT $1, s - 1, o, f, v FROM unnest($2::text[], $3::bigint[], $4::bytea[]) WITH ORDINALITY AS u(o, f, v, s)`,
            [op.requestId, op.rows.map((e) => e.oid), op.rows.map((e) => e.flags), op.rows.map((e) => param(e.value))],
          );
        break;
      case 'ca-certificate':
        await client.query(
          'INSERT INTO ca_certificates (cert_index, key_index, raw, request, state) VALUES ($1, $2, $3, $4, $5)',
          [op.row.certIndex, op.row.keyIndex, param(op.row.raw) ?? null, param(op.row.request) ?? null, op.row.state],
        );
        break;
      case 'update-ca-certificate': {
        const sets: string[] = [];
        const values: unknown[] = [];
        if (op.raw !== undefined) {
          values.push(param(op.raw));
          sets.push(`raw = $${values.length}`);
        }
        if (op.state !== undefined) {
          values.push(op.state);
          sets.push(`state = $${values.length}`);
        }
        if (sets.length === 0) break;
        const updated = await client.query(
          `UPDATE ca_certificates SET ${sets.join(', ')} WHERE cert_index = $${values.length + 1}`,
          [...values, op.certIndex],
        );
        if (updated.rowCount !== 1) throw new Error(`the CA database has no CA certificate ${op.certIndex}`);
        break;
      }
      case 'crl':
        await client.query(
          `INSERT INTO crls (key_index, crl_number, is_delta, raw, this_update, next_update, next_publish)
             VALUES ($1, $2, $3, $4, $5, $6, $7)`,
          [
            op.row.keyIndex,
            op.row.crlNumber,
            op.row.isDelta ? 1 : 0,
            param(op.row.raw),
            op.row.thisUpdate.getTime(),
            op.row.nextUpdate.getTime(),
            op.row.nextPublish?.getTime() ?? null,
          ],
        );
        result.crlNumber = Math.max(result.crlNumber, op.row.crlNumber);
        break;
      case 'event': {
        const r = await client.query({
          name: 'certexit_insert_event',
          text: _INSERT_EVENT,
          values: [..._eventValues(op), op.modules],
        });
        result.eventId = Math.max(result.eventId, Number(r.rows[0]?.event_id ?? 0));
        result.outboxRows += Number(r.rows[0]?.outbox_rows ?? 0);
        break;
      }
    }
  }
  return result;
}

/** One array a table's rows are sent in. */
interface _BatchArray {
  readonly name: string;
  readonly type: BinaryElementType;
}

/** One table's part of the batch: its columns, their types, and the arrays its rows are sent in. */
interface _BatchTable {
  readonly table: string;
  readonly columns: readonly string[];
  readonly types: readonly string[];
  readonly arrays: readonly _BatchArray[];
}

/** A table's part: one array per column, two (offset, length into the blob) per bytes column. */
function _batchTable(table: string, columns: readonly string[], types: readonly string[]): _BatchTable {
  const arrays = columns.flatMap((c, i): _BatchArray[] => {
    const type = types[i]!;
    if (type === 'bytea')
      return [
        { name: `${c}_off`, type: 'integer' },
        { name: `${c}_len`, type: 'integer' },
      ];
    if (!isBinaryElementType(type)) throw new Error(`${table}.${c}: no binary array of ${type}`);
    return [{ name: c, type }];
  });
  return { table, columns, types, arrays };
}

/** The PostgreSQL type of each column of {@link CERTIFICATE_COLUMNS}. */
const _CERTIFICATE_COLUMN_TYPES = ['bigint', 'bytea', 'text', 'text', 'bigint', 'bigint', 'text', 'text'];

const _TABLES = {
  requests: _batchTable(
    'requests',
    REQUEST_INSERT_COLUMNS,
    REQUEST_INSERT_COLUMNS.map((c) => REQUEST_COLUMN_TYPES[c]),
  ),
  certificates: _batchTable('certificates', CERTIFICATE_COLUMNS, _CERTIFICATE_COLUMN_TYPES),
  attributes: _batchTable(
    'request_attributes',
    ['request_id', 'seq', 'name', 'value'],
    ['bigint', 'bigint', 'text', 'text'],
  ),
  extensions: _batchTable(
    'request_extensions',
    ['request_id', 'seq', 'oid', 'flags', 'value'],
    ['bigint', 'bigint', 'text', 'bigint', 'bytea'],
  ),
  events: _batchTable('exit_events', _EVENT_COLUMNS, ['bigint', 'bigint', 'bigint', 'text']),
};

/** `INSERT … SELECT … FROM unnest(…)` for a table, its arrays numbered from `$start`; `$1` is the blob. */
function _insert(t: _BatchTable, start: number): string {
  const names = t.arrays.map((a) => a.name);
  const select = t.columns.map((c, i) =>
    t.types[i] === 'bytea'
      ? `CASE WHEN u.${c}_len < 0 THEN NULL ELSE substring($1::bytea FROM u.${c}_off + 1 FOR u.${c}_len) END`
      : `u.${c}`,
  );
  return `INSERT INTO ${t.table} (${t.columns.join(', ')})
        SELECT ${select.join(', ')}
          FROM unnest(${t.arrays.map((a, i) => `$${start + i}::${a.type}[]`).join(', ')}) AS u(${names.join(', ')})`;
}

const _R = 2;
const _C = _R + _TABLES.requests.arrays.length;
const _A = _C + _TABLES.certificates.arrays.length;
const _X = _A + _TABLES.attributes.arrays.length;
const _E = _X + _TABLES.extensions.arrays.length;
const _N = _E + _TABLES.events.arrays.length;

/**
 * The batched path: the writes of many transactions (new requests, their attributes, extensions and certificates,
 * their exit events with one outbox row per subscribed module) as one statement, which PostgreSQL runs atomically
 * in one transaction with one commit; the text never changes, so each connection prepares it once. Rows go as one
 * array per column, each in PostgreSQL's binary array format (`postgres-binary-arrays.ts`); every byte string of the
 * batch goes once, in binary, in one blob (`$1`) the rows point into (as text arrays they would be hex, twice their
 * size). Events get their EventIDs, and the outbox rows their ids, in the order of the arrays: commit order, per
 * request.
 */
export const BATCH_STATEMENT = `WITH
  r AS (${_insert(_TABLES.requests, _R)}),
  c AS (${_insert(_TABLES.certificates, _C)}),
  a AS (${_insert(_TABLES.attributes, _A)}),
  x AS (${_insert(_TABLES.extensions, _X)}),
  e AS (INSERT INTO exit_events (event, context, created_at, modules)
        SELECT u.event, u.context, u.created_at, u.modules
          FROM unnest(${_TABLES.events.arrays.map((a, i) => `$${_E + i}::${a.type}[]`).join(', ')})
               WITH ORDINALITY AS u(${_EVENT_COLUMNS.join(', ')}, ord)
         ORDER BY u.ord
        RETURNING event_id, event, context, created_at, modules),
  o AS (INSERT INTO exit_outbox (prog_id, event_id, event, context, status, attempts, next_attempt_at, created_at, updated_at)
        SELECT m.prog_id, e.event_id, e.event, e.context, 'pending', 0, e.created_at, e.created_at, e.created_at
          FROM e CROSS JOIN LATERAL unnest(string_to_array(e.modules, E'\\n')) WITH ORDINALITY AS m(prog_id, n)
         ORDER BY e.event_id, m.n
        RETURNING 1),
  n AS (SELECT pg_notify($${_N}, '') FROM (SELECT 1 FROM o LIMIT 1) AS any_row)
SELECT (SELECT max(event_id) FROM e) AS event_id, (SELECT count(*) FROM o) AS outbox_rows, (SELECT count(*) FROM n) AS notified`;

/** The parameters of {@link BATCH_STATEMENT} for the writes of several transactions, in their order. */
export function batchParameters(ops: readonly WriteOp[], channel: string): unknown[] {
  const chunks: Buffer[] = [];
  let size = 0;
  const columnsOf = (t: _BatchTable) => t.arrays.map((): unknown[] => []);
  const requests = columnsOf(_TABLES.requests);
  const certificates = columnsOf(_TABLES.certificates);
  const attributes = columnsOf(_TABLES.attributes);
  const extensions = columnsOf(_TABLES.extensions);
  const events = columnsOf(_TABLES.events);
  const push = (t: _BatchTable, columns: unknown[][], values: readonly unknown[]) => {
    let a = 0;
    for (let i = 0; i < values.length; i++) {
      const value = values[i];
      if (t.types[i] !== 'bytea') {
        columns[a++]!.push(value);
        continue;
      }
      if (value === null || value === undefined) {
        columns[a++]!.push(0);
        columns[a++]!.push(-1);
        continue;
      }
      const bytes = value as Buffer;
      columns[a++]!.push(size);
      columns[a++]!.push(bytes.length);
      chunks.push(bytes);
      size += bytes.length;
    }
  };
  for (const op of ops) {
    switch (op.kind) {
      case 'request':
        push(_TABLES.requests, requests, requestInsertValues(op.id, op.row));
        break;
      case 'certificate':
        push(_TABLES.certificates, certificates, certificateInsertValues(op.row));
        break;
      case 'attributes':
        for (const [seq, [name, value]] of op.rows.entries())
          push(_TABLES.attributes, attributes, [op.requestId, seq, name, value]);
        break;
      case 'extensions':
        for (const [seq, e] of op.rows.entries())
          push(_TABLES.extensions, extensions, [op.requestId, seq, e.oid, e.flags, param(e.value)]);
        break;
      case 'event':
        push(_TABLES.events, events, _eventValues(op));
        break;
      default:
        throw new Error(`a ${op.kind} write cannot be batched`);
    }
  }
  const binary = (t: _BatchTable, columns: unknown[][]) =>
    t.arrays.map((a, i) => binaryArray(a.type, columns[i]!, `${t.table}.${a.name}`));
  return [
    Buffer.concat(chunks, size),
    ...binary(_TABLES.requests, requests),
    ...binary(_TABLES.certificates, certificates),
    ...binary(_TABLES.attributes, attributes),
    ...binary(_TABLES.extensions, extensions),
    ...binary(_TABLES.events, events),
    channel,
  ];
}

/** The highest RequestID among batched writes. */
export function highestRequestId(ops: readonly WriteOp[]): number {
  let highest = 0;
  for (const op of ops) if (op.kind === 'request' && op.id > highest) highest = op.id;
  return highest;
}
