import type { PropertyValue } from '@certexit/core';

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

export interface CaCertificateRow {
  certIndex: number;
  keyIndex: number;
  raw: Uint8Array;
  state: number;
}

export interface CrlRow {
  keyIndex: number;
  crlNumber: number;
  isDelta: boolean;
  raw: Uint8Array;
  thisUpdate: Date;
  nextUpdate: Date;
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
  addCrl(row: CrlRow): Promise<void>;
  /** Records an exit event in this transaction; it is delivered only if the transaction commits. */
  recordExitEvent(event: number, context: number): Promise<number>;
}

/**
 * Everything the engine keeps. All engine logic goes through this interface: the embedded default is
 * node:sqlite in the CA folder, and a PostgreSQL store implements the same.
 */
export interface CaStore {
  /** Runs `work` in one transaction: all its writes commit together, or none on a throw. */
  transaction<T>(work: (tx: CaStoreTransaction) => Promise<T>): Promise<T>;
  getRequest(id: number): Promise<RequestRow | undefined>;
  getCertificate(requestId: number): Promise<CertificateRow | undefined>;
  getAttributes(requestId: number): Promise<Array<[string, string]>>;
  getExtensions(requestId: number): Promise<StoredExtension[]>;
  listCaCertificates(): Promise<CaCertificateRow[]>;
  /** The newest base or delta CRL of a key index. */
  getLatestCrl(keyIndex: number, isDelta: boolean): Promise<CrlRow | undefined>;
  /** Requests whose disposition is one of `dispositions`, newest first. */
  listRequests(filter?: { dispositions?: number[]; limit?: number }): Promise<RequestRow[]>;
  listExitEvents(afterId?: number): Promise<ExitEventRow[]>;
  /** The schema version this store runs at. */
  schemaVersion(): Promise<number>;
  close(): Promise<void>;
}
