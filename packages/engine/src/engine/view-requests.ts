import type { PropertyValue } from '@certexit/core';
import {
  CERTIFICATE_PROPERTIES,
  CertexitError,
  createServerExit,
  DB_DISP_LOG_FAILED_MIN,
  DB_DISP_LOG_MIN,
  DB_DISP_QUEUE_MAX,
  DB_DISP_REVOKED,
  E_INVALIDARG,
  NAME_PROPERTIES,
  PROPTYPE_DATE,
  PROPTYPE_LONG,
  PROPTYPE_STRING,
  REQUEST_PROPERTIES,
  readOptional,
  resolveCertificateProperty,
  resolveRequestProperty,
} from '@certexit/core';
import { databaseDataSource } from '../hosting/database-data-source';
import type { ViewCondition, ViewOperator, ViewTable } from '../store/view-rows-query';
import { VIEW_STORE_COLUMNS } from '../store/view-rows-query';
import type { EngineServices } from './engine-services';
import type { ParsedRestriction } from './view-restriction';
import { parseRestrictions, restrictionDate, restrictionNumber } from './view-restriction';

/** The columns `view` shows when none are named. */
export const DEFAULT_VIEW_COLUMNS = [
  'RequestID',
  'Request.RequesterName',
  'Request.Disposition',
  'Request.DispositionMessage',
  'CertificateTemplate',
  'SerialNumber',
  'NotAfter',
] as const;

/**
 * certutil's views: `Request` (every request, the default), `Queue` (pending and active), `Log` (resolved: issued,
 * revoked, failed, denied), `LogFail` (failed and denied), `Revoked`, and the `Ext`, `Attrib` and `CRL` tables.
 */
export const VIEW_NAMES = ['Request', 'Queue', 'Log', 'LogFail', 'Revoked', 'Ext', 'Attrib', 'CRL'] as const;
export type ViewName = (typeof VIEW_NAMES)[number];

const _REQUEST_VIEWS: Record<string, { conditions: ViewCondition[]; columns: readonly string[] }> = {
  Request: { conditions: [], columns: DEFAULT_VIEW_COLUMNS },
  Queue: {
    conditions: [{ column: 'Disposition', op: '<=', value: DB_DISP_QUEUE_MAX }],
    columns: DEFAULT_VIEW_COLUMNS,
  },
  Log: { conditions: [{ column: 'Disposition', op: '>=', value: DB_DISP_LOG_MIN }], columns: DEFAULT_VIEW_COLUMNS },
  LogFail: {
    conditions: [{ column: 'Disposition', op: '>=', value: DB_DISP_LOG_FAILED_MIN }],
    columns: DEFAULT_VIEW_COLUMNS,
  },
  Revoked: {
    conditions: [{ column: 'Disposition', op: '=', value: DB_DISP_REVOKED }],
    columns: ['RequestID', 'SerialNumber', 'RevokedWhen', 'RevokedEffectiveWhen', 'RevokedReason'],
  },
};

const _TABLE_VIEWS: Record<string, ViewTable> = { Ext: 'extensions', Attrib: 'attributes', CRL: 'crls' };

/** Options of {@link viewRequests}, as certutil's `-view`, `-restrict` and `-out` take them. */
export interface ViewOptions {
  /** @default 'Request' */
  view?: ViewName;
  /**
   * Comma-separated `Column<op>Value` conditions, ops `=`, `!=`, `<`, `<=`, `>`, `>=`: `Disposition=Issued,RequestID>5`;
   * `+Column` / `-Column` sorts by that column (ascending / descending).
   */
  restrict?: string;
  /** Column names: any request property (`Request.` prefix optional) or certificate property; the table's for Ext, Attrib, CRL. */
  columns?: readonly string[];
  /** At most this many rows. @default 1000 */
  limit?: number;
  /** The `next` of an earlier result: the rows after it. */
  after?: string;
}

/** What `view` found: the columns and one record per row (`null` for an empty value), and where more rows start. */
export interface ViewResult {
  view: ViewName;
  columns: string[];
  rows: Array<Record<string, PropertyValue | null>>;
  /** Give as `after` for the next page; absent on the last page. */
  next?: string;
}

/** One column of `view schema`: the name, its type as certutil names it, and whether an index serves it. */
export interface ViewSchemaColumn {
  name: string;
  type: 'Long' | 'Date' | 'Binary' | 'String';
  indexed: boolean;
  description: string;
}

/**
 * Lists a view like `certutil -view`, paged on the server: conditions on stored columns (RequestID, Disposition,
 * SerialNumber, the dates, …) and the sort are evaluated by the store on its indexes, by keyset from `after`; other
 * columns are read per row through the `ICertServerExit` resolution (so they answer exactly what an exit module
 * would read) and filtered after.
 */
export async function viewRequests(engine: EngineServices, options: ViewOptions = {}): Promise<ViewResult> {
  const view = _viewName(options.view);
  const limit = options.limit ?? 1000;
  if (!Number.isInteger(limit) || limit < 1)
    throw new CertexitError({ hresult: E_INVALIDARG, message: `view: the limit is a positive number, not ${limit}` });
  const table = _TABLE_VIEWS[view];
  if (table) return _viewTable(engine, view, table, options, limit);

  const base = _REQUEST_VIEWS[view]!;
  const columns = (options.columns?.length ? options.columns : base.columns).map(_column);
  const restrictions = parseRestrictions(options.restrict);
  const where: ViewCondition[] = [...base.conditions];
  const residual: Array<{ column: ReturnType<typeof _column>; op: ViewOperator; value: PropertyValue }> = [];
  let sort: { column: string; descending: boolean } | undefined;
  for (const r of restrictions) {
    const column = _column(r.column);
    const store = VIEW_STORE_COLUMNS.requests[column.canonical];
    if (r.sort) {
      if (!store?.sortable)
        throw new CertexitError({
          hresult: E_INVALIDARG,
          message: `view: cannot sort by ${r.column}; sort by ${_sortable('requests').join(', ')}`,
        });
      sort = { column: column.canonical, descending: r.sort === 'descending' };
    }
    if (!r.op) continue;
    const value = _value(column, r);
    if (store) where.push({ column: column.canonical, op: r.op, value: value as ViewCondition['value'] });
    else residual.push({ column, op: r.op, value });
  }

  const server = createServerExit(databaseDataSource(engine.ca, ''));
  const read = (c: ReturnType<typeof _column>) =>
    readOptional(() =>
      c.table === 'request' ? server.GetRequestProperty(c.name, c.type) : server.GetCertificateProperty(c.name, c.type),
    );
  const rows: ViewResult['rows'] = [];
  let after = options.after;
  let next: string | undefined;
  // Without per-row conditions a store page is exactly what is shown; with them, read in pages until enough match.
  while (rows.length < limit) {
    const page = await engine.ca.store.viewRows({
      table: 'requests',
      where,
      ...(sort && { sort: sort.column, descending: sort.descending }),
      ...(after !== undefined && { after }),
      limit: residual.length ? 500 : limit - rows.length,
    });
    let stoppedAt = -1;
    for (let i = 0; i < page.rows.length; i++) {
      await server.SetContext(Number(page.rows[i]!.RequestID));
      let keep = true;
      for (const r of residual) {
        if (!_matches(await read(r.column), r.op, r.value)) {
          keep = false;
          break;
        }
      }
      if (!keep) continue;
      const record: Record<string, PropertyValue | null> = {};
      for (const c of columns) record[c.label] = (await read(c)) ?? null;
      rows.push(record);
      if (rows.length === limit) {
        stoppedAt = i;
        break;
      }
    }
    if (stoppedAt >= 0) {
      // Full: more rows follow if this page had more after the last one shown, or another page does.
      if (stoppedAt < page.rows.length - 1 || page.next !== undefined) next = page.cursors[stoppedAt];
      break;
    }
    if (page.next === undefined) break;
    after = page.next;
  }
  return { view, columns: columns.map((c) => c.label), rows, ...(next !== undefined && { next }) };
}

/** The columns of a view's table, as `certutil -schema` lists them. */
export function viewSchema(view: ViewName | string = 'Request'): ViewSchemaColumn[] {
  const name = _viewName(view);
  const table = _TABLE_VIEWS[name];
  const types = { number: 'Long', date: 'Date', binary: 'Binary', text: 'String' } as const;
  if (table)
    return Object.entries(VIEW_STORE_COLUMNS[table]).map(([column, c]) => ({
      name: column,
      type: types[c.kind],
      indexed: c.indexed === true,
      description: _TABLE_DESCRIPTIONS[column] ?? '',
    }));
  const out: ViewSchemaColumn[] = [];
  const seen = new Set<string>();
  const add = (label: string) => {
    const c = _column(label);
    if (seen.has(label)) return;
    seen.add(label);
    const store = VIEW_STORE_COLUMNS.requests[c.canonical];
    out.push({
      name: label,
      type:
        c.type === PROPTYPE_LONG
          ? 'Long'
          : c.type === PROPTYPE_DATE
            ? 'Date'
            : c.type === PROPTYPE_STRING
              ? 'String'
              : 'Binary',
      indexed: store?.indexed === true,
      description: c.description,
    });
  };
  for (const p of _requestPropertyNames()) add(p);
  for (const p of _certificatePropertyNames()) add(p);
  return out;
}

const _TABLE_DESCRIPTIONS: Record<string, string> = {
  ExtensionRequestId: 'The request the extension belongs to.',
  ExtensionName: 'The extension OID.',
  ExtensionFlags: 'EXTENSION_* flags (origin, critical, disabled).',
  ExtensionRawValue: 'The extension value (DER).',
  AttributeRequestId: 'The request the attribute belongs to.',
  AttributeName: 'The attribute name.',
  AttributeValue: 'The attribute value.',
  CRLRowId: 'The CRL row.',
  CRLNumber: 'The CRL number.',
  CRLNameId: 'The CA key index that signed it.',
  CRLMinBase: '1 for a delta CRL, 0 for a base CRL.',
  CRLThisUpdate: 'thisUpdate.',
  CRLNextUpdate: 'nextUpdate.',
  CRLNextPublish: 'When the next CRL is due (Next CRL Publish).',
  CRLRawCRL: 'The CRL (DER).',
};

async function _viewTable(
  engine: EngineServices,
  view: ViewName,
  table: ViewTable,
  options: ViewOptions,
  limit: number,
): Promise<ViewResult> {
  const known = VIEW_STORE_COLUMNS[table];
  const canonical = (name: string) => {
    const found = Object.keys(known).find((k) => k.toLowerCase() === name.trim().toLowerCase());
    if (!found)
      throw new CertexitError({
        hresult: E_INVALIDARG,
        message: `view ${view}: unknown column ${JSON.stringify(name.trim())}; the columns are ${Object.keys(known).join(', ')}`,
      });
    return found;
  };
  const columns = (options.columns?.length ? options.columns : Object.keys(known)).map(canonical);
  const where: ViewCondition[] = [];
  let sort: { column: string; descending: boolean } | undefined;
  for (const r of parseRestrictions(options.restrict)) {
    const column = canonical(r.column);
    const kind = known[column]!.kind;
    if (r.sort) {
      if (!known[column]!.sortable)
        throw new CertexitError({
          hresult: E_INVALIDARG,
          message: `view ${view}: cannot sort by ${column}; sort by ${_sortable(table).join(', ')}`,
        });
      sort = { column, descending: r.sort === 'descending' };
    }
    if (!r.op) continue;
    if (kind === 'binary')
      throw new CertexitError({ hresult: E_INVALIDARG, message: `view ${view}: ${column} is binary: no restriction` });
    const value =
      kind === 'number'
        ? restrictionNumber(column, r.raw!)
        : kind === 'date'
          ? restrictionDate(column, r.raw!)
          : r.raw!;
    where.push({ column, op: r.op, value });
  }
  const page = await engine.ca.store.viewRows({
    table,
    where,
    ...(sort && { sort: sort.column, descending: sort.descending }),
    ...(options.after !== undefined && { after: options.after }),
    limit,
  });
  return {
    view,
    columns,
    rows: page.rows.map((row) => Object.fromEntries(columns.map((c) => [c, row[c] ?? null]))),
    ...(page.next !== undefined && { next: page.next }),
  };
}

function _viewName(view: string | undefined): ViewName {
  if (view === undefined) return 'Request';
  const found = VIEW_NAMES.find((v) => v.toLowerCase() === view.toLowerCase());
  if (!found)
    throw new CertexitError({
      hresult: E_INVALIDARG,
      message: `view: there is no view ${JSON.stringify(view)}; the views are ${VIEW_NAMES.join(', ')}`,
    });
  return found;
}

function _sortable(table: ViewTable): string[] {
  return Object.entries(VIEW_STORE_COLUMNS[table])
    .filter(([, c]) => c.sortable)
    .map(([n]) => n);
}

function _column(label: string): {
  label: string;
  name: string;
  canonical: string;
  table: 'request' | 'certificate';
  type: number;
  description: string;
} {
  const name = label.trim();
  const asCertificate = name.toLowerCase().startsWith('request.') ? undefined : resolveCertificateProperty(name);
  // RequestID is the request's: a pending or failed row has no certificate to read it from.
  if (asCertificate && asCertificate.source !== 'ca' && asCertificate.definition.name !== 'RequestID')
    return {
      label: name,
      name,
      canonical: asCertificate.definition.name,
      table: 'certificate',
      type: asCertificate.definition.type,
      description: asCertificate.definition.description,
    };
  const asRequest = resolveRequestProperty(name);
  if (asRequest)
    return {
      label: name,
      name,
      canonical: asRequest.definition.name,
      table: 'request',
      type: asRequest.definition.type,
      description: asRequest.definition.description,
    };
  throw new CertexitError({ hresult: E_INVALIDARG, message: `view: unknown column ${JSON.stringify(name)}` });
}

function _value(column: ReturnType<typeof _column>, r: ParsedRestriction): PropertyValue {
  const raw = r.raw!;
  if (column.type === PROPTYPE_LONG) return restrictionNumber(column.name, raw);
  if (column.type === PROPTYPE_DATE) return restrictionDate(column.name, raw);
  return raw;
}

function _requestPropertyNames(): string[] {
  return _names('request');
}

function _certificatePropertyNames(): string[] {
  return _names('certificate');
}

function _names(kind: 'request' | 'certificate'): string[] {
  // Every property the view can show, under the name it shows.
  return kind === 'request'
    ? REQUEST_PROPERTIES.filter((p) => !p.obsolete).map((p) => (p.name === 'RequestID' ? p.name : `Request.${p.name}`))
    : [...CERTIFICATE_PROPERTIES, ...NAME_PROPERTIES].filter((p) => !p.obsolete).map((p) => p.name);
}

function _matches(actual: PropertyValue | undefined, op: ViewOperator, expected: PropertyValue): boolean {
  if (actual === undefined) return op === '!=';
  const a =
    actual instanceof Date
      ? actual.getTime()
      : actual instanceof Uint8Array
        ? Buffer.from(actual).toString('hex')
        : actual;
  const b = expected instanceof Date ? expected.getTime() : expected instanceof Uint8Array ? '' : expected;
  const [x, y] = typeof a === 'string' && typeof b === 'string' ? [a.toLowerCase(), b.toLowerCase()] : [a, b];
  switch (op) {
    case '=':
      return x === y;
    case '!=':
      return x !== y;
    case '<':
      return x < y;
    case '<=':
      return x <= y;
    case '>':
      return x > y;
    case '>=':
      return x >= y;
  }
}
