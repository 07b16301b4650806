import type { PropertyValueOf } from '../constants/property-types';
import type { ICertServerExit } from '../interfaces/cert-server-exit';

/**
 * The accessors of `ctx.request`, `ctx.certificate` and `ctx.ca` are lazy: each reads its property through the
 * `ICertServerExit` the first time it is awaited and keeps the answer. A property that is empty in this context
 * (`CERTSRV_E_PROPERTY_EMPTY`: no certificate on a pending request, no revocation date on an issued one) reads as
 * `undefined`; any other failure rejects.
 */
export type Lazy<T> = Promise<T>;

/**
 * Names of a subject, as the name properties give them (`name-properties.md`). A multi-valued part (two `OU`s)
 * comes as its values joined by `\n`, exactly as the SDK returns it; split it with `.split('\n')`.
 */
export interface SubjectView {
  /** The whole name as text (`CN=alice, CN=Users, DC=contoso, DC=com`). */
  readonly distinguishedName: Lazy<string | undefined>;
  /** The whole name, DER. */
  readonly rawName: Lazy<Uint8Array | undefined>;
  readonly commonName: Lazy<string | undefined>;
  readonly email: Lazy<string | undefined>;
  readonly organization: Lazy<string | undefined>;
  readonly orgUnit: Lazy<string | undefined>;
  readonly country: Lazy<string | undefined>;
  readonly locality: Lazy<string | undefined>;
  readonly state: Lazy<string | undefined>;
  readonly domainComponent: Lazy<string | undefined>;
  readonly title: Lazy<string | undefined>;
  readonly givenName: Lazy<string | undefined>;
  readonly surName: Lazy<string | undefined>;
  readonly streetAddress: Lazy<string | undefined>;
  readonly unstructuredName: Lazy<string | undefined>;
  readonly deviceSerialNumber: Lazy<string | undefined>;
}

/** One extension recorded for the request or certificate, with what `GetCertificateExtensionFlags` says of it. */
export interface ExtensionView {
  readonly oid: string;
  /** The DER `extnValue`. */
  readonly value: Uint8Array;
  /** `EXTENSION_*` flags with the `EXTENSION_ORIGIN_*` value. */
  readonly flags: number;
  readonly critical: boolean;
  /** Recorded but left out of the certificate (`EXTENSION_DISABLE_FLAG`). */
  readonly disabled: boolean;
  /** The `EXTENSION_ORIGIN_*` value (`flags & EXTENSION_ORIGIN_MASK`). */
  readonly origin: number;
}

/** `ctx.request`: the request row, through `GetRequestProperty` / `GetRequestAttribute`. */
export interface RequestView {
  /** `RequestID`: every request row has one. */
  readonly id: Lazy<number>;
  /** `RequesterName`, `DOMAIN\user`. */
  readonly requesterName: Lazy<string | undefined>;
  /** `CallerName` (differs from the requester when enrolling on behalf of someone). */
  readonly callerName: Lazy<string | undefined>;
  /** `Disposition`, a `DB_DISP_*` value (20 issued, 21 revoked, 9 pending, 31 denied, 30 failed). */
  readonly disposition: Lazy<number | undefined>;
  readonly dispositionMessage: Lazy<string | undefined>;
  /** `StatusCode`, the HRESULT of the disposition. */
  readonly statusCode: Lazy<number | undefined>;
  /** `RequestType`: a `CR_IN_*` format OR-ed with flags. */
  readonly type: Lazy<number | undefined>;
  /** `RequestFlags` (`CR_FLG_*`). */
  readonly flags: Lazy<number | undefined>;
  /** `RawRequest`, the request as submitted (DER). */
  readonly der: Lazy<Uint8Array | undefined>;
  readonly submittedWhen: Lazy<Date | undefined>;
  readonly resolvedWhen: Lazy<Date | undefined>;
  readonly revokedWhen: Lazy<Date | undefined>;
  readonly revokedEffectiveWhen: Lazy<Date | undefined>;
  /** `RevokedReason`, a CRL reason code (0-6, 8). */
  readonly revokedReason: Lazy<number | undefined>;
  /** `Officer`: the CA officer who resolved or revoked it. */
  readonly officer: Lazy<string | undefined>;
  /** `UserDN`: the requester's directory DN, where the CA knows it. */
  readonly userDn: Lazy<string | undefined>;
  /** The requested subject (`Subject.*`, `Request.DistinguishedName`). */
  readonly subject: SubjectView;
  /** Every request attribute by name (`EnumerateAttributes`), e.g. `{ CertificateTemplate: 'User', ccm: 'ws01' }`. */
  readonly attributes: Lazy<Readonly<Record<string, string>>>;
  /** One request attribute (names match ignoring case, spaces and hyphens), `undefined` when absent. */
  attribute(name: string): Promise<string | undefined>;
  /** Any other request property, by its SDK name and type; `undefined` when empty. */
  property<T extends number>(name: string, type: T): Promise<PropertyValueOf<T> | undefined>;
}

/** `ctx.certificate`: the issued certificate's row, through `GetCertificateProperty` / `GetCertificateExtension`. */
export interface CertificateView {
  /** `RawCertificate`, DER; `undefined` before issuance (pending, denied). */
  readonly der: Lazy<Uint8Array | undefined>;
  /** `SerialNumber`, lowercase hex. */
  readonly serial: Lazy<string | undefined>;
  /** `CertificateHash`, the SHA-1 thumbprint in hex. */
  readonly hash: Lazy<string | undefined>;
  /** `CertificateTemplate`, the template name or OID. */
  readonly template: Lazy<string | undefined>;
  readonly notBefore: Lazy<Date | undefined>;
  readonly notAfter: Lazy<Date | undefined>;
  /** `SubjectKeyIdentifier`, hex bytes separated by spaces. */
  readonly subjectKeyIdentifier: Lazy<string | undefined>;
  /** `UPN`, from the subject alternative name. */
  readonly upn: Lazy<string | undefined>;
  readonly publicKeyAlgorithm: Lazy<string | undefined>;
  readonly publicKeyLength: Lazy<number | undefined>;
  /** `EnrollmentFlags`, the template's `msPKI-Enrollment-Flag` at issuance (`CT_FLAG_*`). */
  readonly enrollmentFlags: Lazy<number | undefined>;
  /** `GeneralFlags`, the template's `flags` (`CT_FLAG_MACHINE_TYPE` for computers). */
  readonly generalFlags: Lazy<number | undefined>;
  /** The issued subject. */
  readonly subject: SubjectView;
  /** Every extension recorded for the row, disabled ones included, in order (`EnumerateExtensions`). */
  readonly extensions: Lazy<readonly ExtensionView[]>;
  /** One extension by OID, `undefined` when not recorded. */
  extension(oid: string): Promise<ExtensionView | undefined>;
  /** Any other certificate property, by its SDK name and type; `undefined` when empty. */
  property<T extends number>(name: string, type: T): Promise<PropertyValueOf<T> | undefined>;
}

/** `ctx.ca`: the CA, through CA-scope `GetCertificateProperty` (readable in every context). */
export interface CaView {
  /** The CA name `Initialize` received (the sanitized name, the CA's configuration key). Not lazy. */
  readonly name: string;
  readonly sanitizedName: Lazy<string | undefined>;
  /** `CAType`, an `ENUM_*` value (0 enterprise root, 1 enterprise sub, 3 standalone root, 4 standalone sub). */
  readonly type: Lazy<number | undefined>;
  /** `MachineDNSName`, the CA host's FQDN. */
  readonly machineDnsName: Lazy<string | undefined>;
  /** `CertCount`: CA certificates (renewals + 1). */
  readonly certCount: Lazy<number | undefined>;
  /** `fUseDS`: the CA uses Active Directory. */
  readonly usesDirectory: Lazy<boolean | undefined>;
  /** `fDeltaCRLsDisabled`. */
  readonly deltaCrlsDisabled: Lazy<boolean | undefined>;
  /** `DomainDN`, `ConfigDN`. */
  readonly domainDn: Lazy<string | undefined>;
  readonly configDn: Lazy<string | undefined>;
  /** `RawCACertificate.N` (the current one without `index`). */
  certificate(index?: number): Promise<Uint8Array | undefined>;
  /** Any other CA property (`CRLState.0`, `LogLevel`, ...), by its SDK name and type; `undefined` when empty. */
  property<T extends number>(name: string, type: T): Promise<PropertyValueOf<T> | undefined>;
}

/**
 * A CRL the CA published with an `EXITEVENT_CRLISSUED`, for each CA certificate index whose key still publishes
 * CRLs (`CRLState.N` is `CA_DISP_VALID`), read as the SDK sample's `_NotifyCRLIssued` does.
 */
export interface PublishedCrl {
  /** The CA certificate index N. */
  readonly index: number;
  /** `CRLIndex.N`, the key index the CRL is signed with. */
  readonly crlIndex: number | undefined;
  /** `RawCRL.N`, DER. */
  readonly base: Uint8Array | undefined;
  /** `RawDeltaCRL.N`, DER; `undefined` when delta CRLs are disabled. */
  readonly delta: Uint8Array | undefined;
}

/** The raw callback, for what the views do not cover: already `SetContext`-ed to the event's context. */
export type RawServerExit = ICertServerExit;
