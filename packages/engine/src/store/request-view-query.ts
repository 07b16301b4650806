/**
 * The folders of the Certification Authority snap-in (certsrv.msc), by the dispositions they hold: `failed` is
 * both denied (`DB_DISP_DENIED`) and failed (`DB_DISP_ERROR`) requests, as the snap-in's Failed Requests shows.
 */
export type RequestViewFolder = 'issued' | 'revoked' | 'pending' | 'failed';

/** Every folder, in the snap-in's order. */
export const REQUEST_VIEW_FOLDERS: readonly RequestViewFolder[] = ['revoked', 'issued', 'pending', 'failed'];

/**
 * The columns a folder list sorts and filters by, each backed by an index so that a page costs the same at the
 * millionth row as at the first. Text columns sort and match case-insensitively (ASCII), as AD CS's do.
 */
export type RequestViewColumn =
  | 'RequestID'
  | 'RequesterName'
  | 'CommonName'
  | 'CertificateTemplate'
  | 'ResolvedWhen'
  | 'RevokedWhen'
  | 'SerialNumber'
  | 'NotAfter';

/** How a filter compares: text columns take `prefix` and `eq`; numbers and dates also the orderings. */
export type RequestViewFilterOp = 'prefix' | 'eq' | 'lt' | 'le' | 'gt' | 'ge';

/** One column filter. Dates are `Date`s, numbers numbers, text strings. */
export interface RequestViewFilter {
  readonly column: RequestViewColumn;
  readonly op: RequestViewFilterOp;
  readonly value: string | number | Date;
}

/** Where a page starts: the sort key and the RequestID of the row just before it (or after, going back). */
export interface RequestViewCursor {
  readonly key: string | number;
  readonly id: number;
}

/** One page of a folder: keyset paging, never `OFFSET`. */
export interface RequestViewQuery {
  readonly folder: RequestViewFolder;
  /** @default RequestID */
  readonly sort?: RequestViewColumn;
  /** @default false (ascending) */
  readonly descending?: boolean;
  readonly filters?: readonly RequestViewFilter[];
  /** Only this requester's rows (compared case-insensitively): what a requester may see. */
  readonly requesterName?: string;
  /** Rows per page, 1 to 500. */
  readonly limit: number;
  /** The rows after this cursor (the next page). */
  readonly after?: RequestViewCursor;
  /** The rows before this cursor (the previous page); ignored when {@link after} is given. */
  readonly before?: RequestViewCursor;
}

/** A row of a folder list: the columns the snap-in shows. */
export interface RequestViewRow {
  readonly RequestID: number;
  readonly Disposition: number;
  readonly DispositionMessage?: string;
  readonly StatusCode: number;
  readonly RequesterName?: string;
  readonly CommonName?: string;
  readonly CertificateTemplate?: string;
  readonly SubmittedWhen: Date;
  readonly ResolvedWhen?: Date;
  readonly RevokedWhen?: Date;
  readonly RevokedEffectiveWhen?: Date;
  readonly RevokedReason?: number;
  readonly Officer?: string;
  readonly SerialNumber?: string;
  readonly NotBefore?: Date;
  readonly NotAfter?: Date;
}

/** A page and the cursors of its neighbours (absent at either end). */
export interface RequestViewPage {
  readonly rows: RequestViewRow[];
  /** Give as `after` for the next page. */
  readonly next?: RequestViewCursor;
  /** Give as `before` for the previous page. */
  readonly previous?: RequestViewCursor;
}

/** Which sort columns each folder offers: revocation only where there are revocations, certificates only where issued. */
export const REQUEST_VIEW_SORTS: Readonly<Record<RequestViewFolder, readonly RequestViewColumn[]>> = {
  issued: [
    'RequestID',
    'RequesterName',
    'CommonName',
    'CertificateTemplate',
    'ResolvedWhen',
    'SerialNumber',
    'NotAfter',
  ],
  revoked: [
    'RequestID',
    'RequesterName',
    'CommonName',
    'CertificateTemplate',
    'ResolvedWhen',
    'RevokedWhen',
    'SerialNumber',
    'NotAfter',
  ],
  pending: ['RequestID', 'RequesterName', 'CommonName', 'CertificateTemplate'],
  failed: ['RequestID', 'RequesterName', 'CommonName', 'CertificateTemplate', 'ResolvedWhen'],
};

/** The value type of each column: how a filter's value is read and compared. */
export const REQUEST_VIEW_COLUMN_TYPES: Readonly<Record<RequestViewColumn, 'number' | 'text' | 'date'>> = {
  RequestID: 'number',
  RequesterName: 'text',
  CommonName: 'text',
  CertificateTemplate: 'text',
  ResolvedWhen: 'date',
  RevokedWhen: 'date',
  SerialNumber: 'text',
  NotAfter: 'date',
};

/** The most rows one page may have. */
export const REQUEST_VIEW_MAX_LIMIT = 500;

/**
 * Throws a clear error naming the problem unless the query is one the indexes serve: a sort the folder offers, a
 * filter on a column of the folder with an operator its type takes, a limit from 1 to {@link REQUEST_VIEW_MAX_LIMIT}.
 */
export function assertRequestViewQuery(query: RequestViewQuery): void {
  const sorts = REQUEST_VIEW_SORTS[query.folder];
  if (!sorts)
    throw new Error(`there is no folder ${JSON.stringify(query.folder)}: use ${REQUEST_VIEW_FOLDERS.join(', ')}`);
  const sort = query.sort ?? 'RequestID';
  if (!sorts.includes(sort))
    throw new Error(`the ${query.folder} folder does not sort by ${JSON.stringify(sort)}: use ${sorts.join(', ')}`);
  if (!Number.isInteger(query.limit) || query.limit < 1 || query.limit > REQUEST_VIEW_MAX_LIMIT)
    throw new Error(`a page has 1 to ${REQUEST_VIEW_MAX_LIMIT} rows, not ${query.limit}`);
  for (const filter of query.filters ?? []) {
    if (!sorts.includes(filter.column))
      throw new Error(
        `the ${query.folder} folder does not filter by ${JSON.stringify(filter.column)}: use ${sorts.join(', ')}`,
      );
    const type = REQUEST_VIEW_COLUMN_TYPES[filter.column];
    if (type === 'text' ? !['prefix', 'eq'].includes(filter.op) : filter.op === 'prefix')
      throw new Error(`${filter.column} cannot be filtered with ${JSON.stringify(filter.op)}`);
    const ok =
      type === 'text'
        ? typeof filter.value === 'string'
        : type === 'date'
          ? filter.value instanceof Date && !Number.isNaN(filter.value.getTime())
          : typeof filter.value === 'number' && Number.isInteger(filter.value);
    if (!ok) throw new Error(`${filter.column} takes a ${type}, not ${JSON.stringify(String(filter.value))}`);
  }
  for (const cursor of [query.after, query.before]) {
    if (cursor && (!Number.isInteger(cursor.id) || !['string', 'number'].includes(typeof cursor.key)))
      throw new Error('the page cursor is not valid: start again from the first page');
  }
}
