import type { CertificateRow, RequestRow } from '@certexit/engine';
import { propertiesToJson, REQUEST_ROW_COLUMNS, storedBytes, tagDates } from '@certexit/engine';

/** Request-row fields and their columns (the engine's, as in the SQLite store); dates are epoch milliseconds. */
export const REQUEST_COLUMNS = REQUEST_ROW_COLUMNS;

type _RequestField = keyof typeof REQUEST_COLUMNS;

/** Every column of an inserted request, in order: the key, the fields, the two property maps. */
export const REQUEST_INSERT_COLUMNS = [
  'request_id',
  ...Object.values(REQUEST_COLUMNS),
  'request_name_json',
  'system_json',
] as const;

/** The PostgreSQL type of each request column, for `unnest` arrays. */
export const REQUEST_COLUMN_TYPES: Readonly<Record<(typeof REQUEST_INSERT_COLUMNS)[number], string>> = {
  request_id: 'bigint',
  raw_request: 'bytea',
  request_type: 'bigint',
  request_flags: 'bigint',
  status_code: 'bigint',
  disposition: 'bigint',
  disposition_message: 'text',
  submitted_when: 'bigint',
  resolved_when: 'bigint',
  revoked_when: 'bigint',
  revoked_effective_when: 'bigint',
  revoked_reason: 'bigint',
  requester_name: 'text',
  caller_name: 'text',
  request_attributes: 'text',
  officer: 'text',
  certificate_template: 'text',
  enrollment_flags: 'bigint',
  general_flags: 'bigint',
  private_key_flags: 'bigint',
  publish_expired_cert_in_crl: 'bigint',
  crl_key_index: 'bigint',
  request_name_json: 'text',
  system_json: 'text',
};

/** A value as a parameter: dates as epoch milliseconds, bytes as a Buffer over the same memory. */
export function param(value: unknown): unknown {
  if (value === undefined) return null;
  if (value instanceof Date) return value.getTime();
  if (value instanceof Uint8Array && !Buffer.isBuffer(value))
    return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  return value;
}

/** Columns with a NOT NULL default, and the default an absent field gets. */
const _DEFAULTS: Partial<Record<_RequestField, number>> = { RequestFlags: 0, StatusCode: 0 };

/** The values of an inserted request, in {@link REQUEST_INSERT_COLUMNS} order. */
export function requestInsertValues(id: number, row: Omit<RequestRow, 'RequestID'>): unknown[] {
  const values: unknown[] = [id];
  for (const field of Object.keys(REQUEST_COLUMNS) as _RequestField[]) {
    const value = row[field];
    values.push(value === undefined ? (_DEFAULTS[field] ?? null) : param(value));
  }
  values.push(propertiesToJson(row.requestName ?? {}), propertiesToJson(row.system ?? {}));
  return values;
}

/** The columns and values an update of some request fields sets. */
export function requestUpdateValues(changes: Partial<Omit<RequestRow, 'RequestID'>>): {
  names: string[];
  values: unknown[];
} {
  const names: string[] = [];
  const values: unknown[] = [];
  for (const [field, column] of Object.entries(REQUEST_COLUMNS)) {
    if (!(field in changes)) continue;
    names.push(column);
    values.push(param(changes[field as _RequestField]));
  }
  if (changes.requestName) {
    names.push('request_name_json');
    values.push(propertiesToJson(changes.requestName));
  }
  if (changes.system) {
    names.push('system_json');
    values.push(propertiesToJson(changes.system));
  }
  return { names, values };
}

/** The columns of a certificate row, in insert order. */
export const CERTIFICATE_COLUMNS = [
  'request_id',
  'raw_certificate',
  'serial_number',
  'certificate_hash',
  'not_before',
  'not_after',
  'values_json',
  'certificate_name_json',
] as const;

/** The values of an inserted certificate, in {@link CERTIFICATE_COLUMNS} order. */
export function certificateInsertValues(row: CertificateRow): unknown[] {
  return [
    row.RequestID,
    param(row.RawCertificate),
    row.SerialNumber,
    row.CertificateHash,
    row.NotBefore.getTime(),
    row.NotAfter.getTime(),
    propertiesToJson(tagDates(row.values) as never),
    propertiesToJson(row.certificateName),
  ];
}

/** A BYTEA value (a Buffer) as a Uint8Array of its own. */
export const bytes = storedBytes;
