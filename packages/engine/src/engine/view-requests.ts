import type { PropertyValue } from '@certexit/core';
import {
  CertexitError,
  createServerExit,
  E_INVALIDARG,
  PROPTYPE_DATE,
  PROPTYPE_LONG,
  readOptional,
  resolveCertificateProperty,
  resolveRequestProperty,
} from '@certexit/core';
import { databaseDataSource } from '../hosting/database-data-source';
import type { EngineServices } from './engine-services';

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

/** Options of {@link viewRequests}, as certutil's `-restrict` and `-out` take them. */
export interface ViewOptions {
  /** Comma-separated `Column<op>Value` conditions, ops `=`, `!=`, `<`, `<=`, `>`, `>=`: `Disposition=20,RequestID>5`. */
  restrict?: string;
  /** Column names: any request property (`Request.` prefix optional) or certificate property. */
  columns?: readonly string[];
  /** At most this many rows, newest first. @default 1000 */
  limit?: number;
}

/** What `view` found: the columns and one record per row (`null` for an empty value). */
export interface ViewResult {
  columns: string[];
  rows: Array<Record<string, PropertyValue | null>>;
}

/**
 * Lists requests like `certutil -view`: the column names are the `ICertServerExit` property names and are read
 * through the same resolution, so they answer exactly what an exit module would read.
 */
export async function viewRequests(engine: EngineServices, options: ViewOptions = {}): Promise<ViewResult> {
  const columns = (options.columns?.length ? options.columns : DEFAULT_VIEW_COLUMNS).map(_column);
  const restrictions = _parseRestrict(options.restrict);
  const server = createServerExit(databaseDataSource(engine.ca, ''));
  const rows: ViewResult['rows'] = [];
  const limit = options.limit ?? 1000;
  for (const request of await engine.ca.store.listRequests({ limit: Number.MAX_SAFE_INTEGER })) {
    if (rows.length >= limit) break;
    await server.SetContext(request.RequestID);
    const read = (c: ReturnType<typeof _column>) =>
      readOptional(() =>
        c.table === 'request'
          ? server.GetRequestProperty(c.name, c.type)
          : server.GetCertificateProperty(c.name, c.type),
      );
    let keep = true;
    for (const r of restrictions) {
      if (!_matches(await read(r.column), r.op, r.value)) {
        keep = false;
        break;
      }
    }
    if (!keep) continue;
    const record: Record<string, PropertyValue | null> = {};
    for (const c of columns) record[c.label] = (await read(c)) ?? null;
    rows.push(record);
  }
  return { columns: columns.map((c) => c.label), rows };
}

function _column(label: string): { label: string; name: string; table: 'request' | 'certificate'; type: number } {
  const name = label.trim();
  const asCertificate = name.toLowerCase().startsWith('request.') ? undefined : resolveCertificateProperty(name);
  if (asCertificate && asCertificate.source !== 'ca')
    return { label: name, name, table: 'certificate', type: asCertificate.definition.type };
  const asRequest = resolveRequestProperty(name);
  if (asRequest) return { label: name, name, table: 'request', type: asRequest.definition.type };
  throw new CertexitError({ hresult: E_INVALIDARG, message: `view: unknown column ${JSON.stringify(name)}` });
}

type _Op = '=' | '!=' | '<' | '<=' | '>' | '>=';

function _parseRestrict(text: string | undefined) {
  if (!text?.trim()) return [];
  return text.split(',').map((part) => {
    const match = /^\s*([A-Za-z0-9_.]+)\s*(<=|>=|!=|=|<|>)\s*(.*?)\s*$/.exec(part);
    if (!match)
      throw new CertexitError({
        hresult: E_INVALIDARG,
        message: `view: restriction ${JSON.stringify(part)} is not Column<op>Value`,
      });
    const column = _column(match[1]!);
    const raw = match[3]!;
    let value: PropertyValue;
    if (column.type === PROPTYPE_LONG) {
      if (!/^-?\d+$|^0x[0-9a-f]+$/i.test(raw))
        throw new CertexitError({
          hresult: E_INVALIDARG,
          message: `view: ${column.name} takes a number, not ${JSON.stringify(raw)}`,
        });
      value = Number(raw) | 0;
    } else if (column.type === PROPTYPE_DATE) {
      value = new Date(raw);
      if (Number.isNaN(value.getTime()))
        throw new CertexitError({
          hresult: E_INVALIDARG,
          message: `view: ${column.name} takes a date, not ${JSON.stringify(raw)}`,
        });
    } else value = raw;
    return { column, op: match[2] as _Op, value };
  });
}

function _matches(actual: PropertyValue | undefined, op: _Op, expected: PropertyValue): boolean {
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
