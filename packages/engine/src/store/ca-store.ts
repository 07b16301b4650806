import type { PropertyValue } from '@certexit/core';
import type { AuditEntry, AuditRecord } from './audit-log';
import type { CaStoreTransfer } from './ca-store-transfer';
import type { ExitActionRecords } from './exit-action-records';
import type { ExitOutboxStore } from './exit-outbox-store';
import type { RequestViewPage, RequestViewQuery } from './request-view-query';
import type { RevocationBatch, RevocationQuery } from './revocation-batch';
import type { DeleteRowsQuery, DeleteRowsResult } from './sqlite-delete-rows';
import type { ViewRowsPage, ViewRowsQuery } from './view-rows-query';

/** A request row: every request property of the reference, by canonical name. */
export interface RequestRow {
  RequestID: number;
  RawRequest?: Uint8Array;
  RequestType: number;
  RequestFlags: number;
  StatusCode: number;
  Disposition: number;
  DispositionMessage?: string;
  SubmittedWhen: Date;
  ResolvedWhen?: Date;
  RevokedWhen?: Date;
  RevokedEffectiveWhen?: Date;
  RevokedReason?: number;
  RequesterName?: string;
  CallerName?: string;
  RequestAttributes?: string;
  Officer?: string;
  /** The template the policy chose, kept on the request for modules. */
  CertificateTemplate?: string;
  EnrollmentFlags?: number;
  GeneralFlags?: number;
  PrivatekeyFlags?: number;
  /** Keep this certificate on CRLs after it expires (a revoked certificate otherwise drops off). */
  PublishExpiredCertInCRL?: number;
  /**
   * The CRL/key index of the CA key that signed the certificate, recorded when it is revoked: which CRL lists it.
   * Not a property of the reference; set by revoke and kept by unrevoke (the delta needs it for removeFromCRL).
   */
  crlKeyIndex?: number;
  /** Requested subject name properties (`CommonName`, `DistinguishedName`, `RawName`, …). */
  requestName: Record<string, PropertyValue>;
  /** Request-context system properties (`UserDN`, …). */
  system: Record<string, PropertyValue>;
}

/** A certificate row, by canonical certificate property name, with the issued name's properties. */
export interface CertificateRow {
  RequestID: number;
  RawCertificate: Uint8Array;
  SerialNumber: string;
  CertificateHash: string;
  NotBefore: Date;
  NotAfter: Date;
  values: Record<string, PropertyValue>;
  certificateName: Record<string, PropertyValue>;
}

export interface StoredExtension {
  oid: string;
  flags: number;
  value: Uint8Array;
}

/**
 * One CA certificate of the CA (`RawCACertificate.N`), with its certificate index and CRL/key index. A
 * subordinate CA's certificate awaiting its parent has a `request` and no `raw` yet.
 */
export interface CaCertificateRow {
  certIndex: number;
  keyIndex: number;
  /** The certificate (DER); absent while the row is `CA_DISP_INCOMPLETE` or `CA_DISP_UNDER_SUBMISSION`. */
  raw?: Uint8Array;
  /** The PKCS#10 request (DER) of a subordinate CA certificate. */
  request?: Uint8Array;
  /** `CA_DISP_*` as stored; expiry is applied when read (`caCertificateStates`). */
  state: number;
}

export interface CrlRow {
  keyIndex: number;
  crlNumber: number;
  isDelta: boolean;
  raw: Uint8Array;
  thisUpdate: Date;
  nextUpdate: Date;
  /** The Next CRL Publish time written into the CRL: when the schedule publishes the next one of this kind. */
  nextPublish?: Date;
}

/** One exit event committed with the state change that caused it, for delivery after commit. */
export interface ExitEventRow {
  id: number;
  event: number;
  context: number;
  createdAt: Date;
}

/** The writes of one transaction; what commits together or not at all. */
export interface CaStoreTransaction {
  insertRequest(row: Omit<RequestRow, 'RequestID'>): Promise<number>;
  updateRequest(id: number, changes: Partial<Omit<RequestRow, 'RequestID'>>): Promise<void>;
  insertCertificate(row: CertificateRow): Promise<void>;
  setAttributes(requestId: number, attributes: ReadonlyArray<readonly [string, string]>): Promise<void>;
  setExtensions(requestId: number, extensions: readonly StoredExtension[]): Promise<void>;
  addCaCertificate(row: CaCertificateRow): Promise<void>;
  /** Completes or changes a CA certificate row (installing a subordinate's certificate, a state change). */
  updateCaCertificate(certIndex: number, changes: { raw?: Uint8Array; state?: number }): Promise<void>;
  addCrl(row: CrlRow): Promise<void>;
  /**
   * Deletes the stored CRLs that expired before `now` (`nextUpdate < now`), except the newest base and delta of each
   * key, which the CA still serves (`CRLF_DELETE_EXPIRED_CRLS`).
   * @returns how many were deleted
   */
  deleteExpiredCrls(now: Date): Promise<number>;
  /**
   * Records an exit event in this transaction with the modules the subscriber callback names
   * ({@link CaStore.setExitSubscribers}): each gets an exit-outbox row, made from the event once it has committed;
   * it is delivered only if the transaction commits. Its EventID is given as it commits (a store that commits
   * several transactions together numbers their events in commit order): read it back with
   * `outbox.latestEventId` when needed.
   */
  recordExitEvent(event: number, context: number): Promise<void>;
  /** True when an exit event of this kind was recorded for the context, as this transaction sees it. */
  hasExitEvent(event: number, context: number): Promise<boolean>;
  /**
   * Makes CRL issuance exclusive until this transaction ends: whoever else shares the database (another engine
   * node) waits here, and reads after it (the latest CRL numbers) see every CRL committed before. Taken before
   * reading what the next CRL number is, so numbers strictly increase across nodes.
   */
  lockCrlIssuance(): Promise<void>;
}

/**
 * Everything the engine keeps. All engine logic goes through this interface: the embedded default is
 * node:sqlite in the CA folder, and a PostgreSQL store implements the same.
 */
export interface CaStore {
  /** Which store this is: `sqlite` (the embedded default), `postgres`, or a third party's name. */
  readonly kind: string;
  /** Where the data is, for messages (a file, or a database and schema; never a password). */
  readonly location: string;
  /** Runs `work` in one transaction: all its writes commit together, or none on a throw. */
  transaction<T>(work: (tx: CaStoreTransaction) => Promise<T>): Promise<T>;
  getRequest(id: number): Promise<RequestRow | undefined>;
  getCertificate(requestId: number): Promise<CertificateRow | undefined>;
  getAttributes(requestId: number): Promise<Array<[string, string]>>;
  getExtensions(requestId: number): Promise<StoredExtension[]>;
  listCaCertificates(): Promise<CaCertificateRow[]>;
  /** The newest base or delta CRL of a key index. */
  getLatestCrl(keyIndex: number, isDelta: boolean): Promise<CrlRow | undefined>;
  /** Like {@link getLatestCrl} without the CRL itself, which may be tens of megabytes. */
  getLatestCrlInfo(keyIndex: number, isDelta: boolean): Promise<Omit<CrlRow, 'raw'> | undefined>;
  /**
   * The entries of one CRL, streamed in batches (rows never all sit in memory). Read it inside the transaction
   * that stores the CRL, so that the CRL number and the entries come from the same state.
   */
  revocations(query: RevocationQuery): AsyncIterable<RevocationBatch>;
  /** How many revoked certificates a base CRL of the key lists at most (expiry aside): sizes the CRL buffer once. */
  estimateRevocations(keyIndex: number): Promise<number>;
  /** Requests whose disposition is one of `dispositions`, newest first. */
  listRequests(filter?: { dispositions?: number[]; limit?: number }): Promise<RequestRow[]>;
  listExitEvents(afterId?: number): Promise<ExitEventRow[]>;
  /**
   * One page of a `view` table (requests, extensions, attributes, CRLs), filtered and sorted by the store's columns
   * and paged by keyset, so a page costs the same at any depth (see `VIEW_STORE_COLUMNS`).
   */
  viewRows(query: ViewRowsQuery): Promise<ViewRowsPage>;
  /** `certutil -deleterow` with AD CS's rules, in one transaction (see `sqliteDeleteRows`). */
  deleteRows(query: DeleteRowsQuery): Promise<DeleteRowsResult>;
  /**
   * One page of a console folder (Issued, Revoked, Pending, Failed), sorted and filtered by an indexed column and
   * paged by keyset, so a page costs the same at any depth of a million-row database. Throws a clear error for a
   * sort or filter the folder does not offer (see `assertRequestViewQuery`).
   */
  viewRequestPage(query: RequestViewQuery): Promise<RequestViewPage>;
  /** Appends an entry to the configuration audit log; returns its id. */
  recordAudit(entry: AuditEntry): Promise<number>;
  /** Audit entries, newest first; `before` an id to page back. */
  listAudit(options?: { limit?: number; before?: number }): Promise<AuditRecord[]>;
  /** What a caller is told about a request: disposition, message, status, and the certificate if there is one. */
  getOutcome(
    requestId: number,
  ): Promise<
    | { disposition: number; message: string; statusCode: number; serialNumber?: string; certificate?: Uint8Array }
    | undefined
  >;
  /** The request whose certificate has this serial (lowercase hex), if any. */
  findRequestIdBySerial(serialNumber: string): Promise<number | undefined>;
  /** True when an exit event of this kind was ever recorded for the context (e.g. "was it ever pending?"). */
  hasExitEvent(event: number, context: number): Promise<boolean>;
  /** The exit outbox: notifications per module, written with their state change, delivered after commit. */
  readonly outbox: ExitOutboxStore;
  /** The idempotency store the host hands its modules: which side effects each made, per EventID and action. */
  readonly exitActions: ExitActionRecords;
  /** Names the ProgIDs subscribed to an event (the loaded modules' masks); until set, no outbox rows are written. */
  setExitSubscribers(subscribers: (event: number) => readonly string[]): void;
  /**
   * CRL numbers up to this one were handed out by a database state that was since lost (`database
   * accept-rollback`): the next CRL number is above it.
   */
  crlNumberFloor(): Promise<number>;
  /** The schema version this store runs at. */
  schemaVersion(): Promise<number>;
  /**
   * True while this store (this process) leads `role` among the processes that share the database; the first to
   * ask leads until it closes or loses its connection, then the next one to ask. The CRL schedule runs on the
   * `crl-schedule` leader. A store only one process writes (SQLite) always leads.
   */
  leads(role: 'crl-schedule'): Promise<boolean>;
  /** Table-level export and import for `certexit store migrate`; absent when the store cannot be moved. */
  readonly transfer?: CaStoreTransfer;
  /** The embedded store's write-ahead-log checkpoints (see wal-checkpointer.ts); other stores have none. */
  readonly walCheckpoints?: WalCheckpoints;
  close(): Promise<void>;
}

/** The checkpoints of an embedded store's write-ahead log, which two connections of one process can share. */
export interface WalCheckpoints {
  /**
   * The writer asks `request` for its checkpoints from now on, and starts no thread of its own for them: another
   * connection's thread runs {@link checkpoint} when asked. The function returned takes them back.
   */
  delegate(request: () => void): () => void;
  /** One passive checkpoint on this store's connection: copies what no reader still needs into the database file. */
  checkpoint(): void;
}
