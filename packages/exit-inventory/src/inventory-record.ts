/**
 * One line of the inventory file. Keys that are `ICertServerExit` property names keep the SDK spelling
 * (`RequestID`, `NotAfter`, …) so they can be searched for in the docs; keys the module adds are lower camel case.
 * A property that is empty in the event's context (`CERTSRV_E_PROPERTY_EMPTY`) is left out, never written as `null`.
 */
export type InventoryRecord = InventoryRequestRecord | InventoryCrlRecord;

/** What every record carries. */
export interface InventoryRecordBase {
  /** The SDK name of the event, e.g. `EXITEVENT_CERTISSUED`. */
  readonly event: string;
  /** When the module handled the event, ISO 8601 in UTC. */
  readonly time: string;
  /** The CA name `Initialize` received (the sanitized CA name). */
  readonly ca: string;
}

/** A record for a request event: issued, pending, denied, revoked, retrieve-pending or imported. */
export interface InventoryRequestRecord extends InventoryRecordBase {
  readonly RequestID?: number;
  /** `DOMAIN\user` of the requester. */
  readonly RequesterName?: string;
  /** `DB_DISP_*`: 9 pending, 20 issued, 21 revoked, 30 failed, 31 denied, … */
  readonly Disposition?: number;
  readonly DispositionMessage?: string;
  /** The template name or OID. */
  readonly CertificateTemplate?: string;
  /** Hex, as the CA stores it. Absent until a certificate exists. */
  readonly SerialNumber?: string;
  /** ISO 8601 in UTC. */
  readonly NotBefore?: string;
  /** ISO 8601 in UTC. */
  readonly NotAfter?: string;
  /** The issued subject (`GetCertificateProperty('DistinguishedName')`). */
  readonly DistinguishedName?: string;
  /** The requested subject (`GetRequestProperty('Request.DistinguishedName')`), also known before issuance. */
  readonly RequestDistinguishedName?: string;
  /** SHA-1 thumbprint, hex. */
  readonly CertificateHash?: string;
  /** Hex bytes separated by spaces, as the CA stores it. */
  readonly SubjectKeyIdentifier?: string;
  /** CRL reason code (0–6, 8); read for revocation events and revoked rows only. */
  readonly RevokedReason?: number;
  /** ISO 8601 in UTC. */
  readonly RevokedWhen?: string;
  /** ISO 8601 in UTC. */
  readonly RevokedEffectiveWhen?: string;
  /** Every extension recorded for the request, disabled ones included, in the CA's order. */
  readonly extensions: readonly InventoryExtension[];
  /**
   * The request attributes by name. Values of attributes that look like secrets (names containing `challenge`,
   * `password` or `secret`) are written as `"[redacted]"`.
   */
  readonly attributes: Readonly<Record<string, string>>;
}

/** One extension of a request. */
export interface InventoryExtension {
  readonly oid: string;
  /** `EXTENSION_*` flags OR-ed with the `EXTENSION_ORIGIN_*`; absent when the CA reports no value for the OID. */
  readonly flags?: number;
}

/** A record for `EXITEVENT_CRLISSUED`. */
export interface InventoryCrlRecord extends InventoryRecordBase {
  /** Number of CA certificates (renewals + 1). */
  readonly CertCount?: number;
  /** 1 when delta CRLs are disabled. */
  readonly fDeltaCRLsDisabled?: number;
  /** One entry per CA certificate index `0 … CertCount-1`. */
  readonly crls: readonly InventoryCrlEntry[];
}

/** The CRL state of one CA certificate index. */
export interface InventoryCrlEntry {
  /** The CA certificate index `N` of `CRLState.N`. */
  readonly index: number;
  /** `CA_DISP_*`: 3 (valid) when this certificate's key publishes CRLs. */
  readonly CRLState?: number;
  /** The CRL/key index this certificate uses. */
  readonly CRLIndex?: number;
  /** Size of `RawCRL.N` in bytes; read only when `CRLState` is `CA_DISP_VALID`, as the SDK sample does. */
  readonly baseCrlBytes?: number;
  /** Size of `RawDeltaCRL.N` in bytes; read only when `CRLState` is `CA_DISP_VALID`. */
  readonly deltaCrlBytes?: number;
  /** True when the delta CRL is missing because delta CRLs are disabled (`fDeltaCRLsDisabled` = 1). */
  readonly deltaCrlDisabled?: true;
}
