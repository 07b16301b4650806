/**
 * The tables of certutil's `-view`: requests (with their certificates), extensions, attributes and CRLs. The
 * Queue, Log, LogFail and Revoked views are the requests table with a disposition range.
 */
export type ViewTable = 'requests' | 'extensions' | 'attributes' | 'crls';

/** A comparison the store evaluates (on an index where one exists). */
export type ViewOperator = '=' | '!=' | '<' | '<=' | '>' | '>=';

/** One condition on a store column (see {@link VIEW_STORE_COLUMNS}); dates as `Date`, text compared case-insensitively. */
export interface ViewCondition {
  readonly column: string;
  readonly op: ViewOperator;
  readonly value: number | string | Date;
}

/** A page of a view table, by keyset. */
export interface ViewRowsQuery {
  readonly table: ViewTable;
  readonly where: readonly ViewCondition[];
  /** The sort column (a store column of the table); ties go by the row key. @default the row key */
  readonly sort?: string;
  readonly descending?: boolean;
  /** The `next` of the previous page. */
  readonly after?: string;
  readonly limit: number;
}

/** The rows of a page (store columns by name) and where the next page starts. */
export interface ViewRowsPage {
  readonly rows: Array<Record<string, number | string | Date | Uint8Array | null>>;
  /** Each row's cursor: give it as `after` to read the rows after that one. */
  readonly cursors: string[];
  /** The cursor of the last row, when more rows follow. */
  readonly next?: string;
}

/** How each store column reads, per table: the property name, its kind, and whether it is non-null (sortable). */
export interface ViewStoreColumn {
  readonly kind: 'number' | 'date' | 'text' | 'binary';
  /** A keyset sort key: never NULL in the rows listed, and an index holds the rows in its order. */
  readonly sortable?: boolean;
  /** An index serves equality and ranges on it (`view schema` says so). */
  readonly indexed?: boolean;
}

/**
 * The columns the store filters and sorts by (others are read per row and filtered after). Requests: the request
 * row's scalar columns and the certificate's; sorting by a certificate column lists only rows with a certificate.
 */
export const VIEW_STORE_COLUMNS: Readonly<Record<ViewTable, Readonly<Record<string, ViewStoreColumn>>>> = {
  requests: {
    RequestID: { kind: 'number', sortable: true, indexed: true },
    Disposition: { kind: 'number', sortable: true, indexed: true },
    StatusCode: { kind: 'number' },
    RequestType: { kind: 'number' },
    DispositionMessage: { kind: 'text' },
    SubmittedWhen: { kind: 'date' },
    ResolvedWhen: { kind: 'date' },
    RevokedWhen: { kind: 'date' },
    RevokedEffectiveWhen: { kind: 'date' },
    RevokedReason: { kind: 'number' },
    RequesterName: { kind: 'text' },
    CallerName: { kind: 'text' },
    Officer: { kind: 'text' },
    CertificateTemplate: { kind: 'text' },
    SerialNumber: { kind: 'text', sortable: true, indexed: true },
    CertificateHash: { kind: 'text' },
    NotBefore: { kind: 'date' },
    NotAfter: { kind: 'date', sortable: true, indexed: true },
  },
  extensions: {
    ExtensionRequestId: { kind: 'number', sortable: true, indexed: true },
    ExtensionName: { kind: 'text' },
    ExtensionFlags: { kind: 'number' },
    ExtensionRawValue: { kind: 'binary' },
  },
  attributes: {
    AttributeRequestId: { kind: 'number', sortable: true, indexed: true },
    AttributeName: { kind: 'text' },
    AttributeValue: { kind: 'text' },
  },
  crls: {
    CRLRowId: { kind: 'number', sortable: true, indexed: true },
    CRLNumber: { kind: 'number' },
    CRLNameId: { kind: 'number' },
    CRLMinBase: { kind: 'number' },
    CRLThisUpdate: { kind: 'date' },
    CRLNextUpdate: { kind: 'date' },
    CRLNextPublish: { kind: 'date' },
    CRLRawCRL: { kind: 'binary' },
  },
};
