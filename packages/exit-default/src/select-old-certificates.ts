import type { X509Certificate } from 'node:crypto';
import type { CertificateFacts } from './certificate-facts';
import { isIssuedBy, readCertificateFacts } from './certificate-facts';

/** `RemoveOldCertsRules` bit: remove this CA's certificates whose `NotAfter` has passed. */
export const REMOVE_OLD_CERTS_EXPIRED = 0x1;
/** `RemoveOldCertsRules` bit: remove this CA's certificates that the injected `isRevoked` lookup reports revoked. */
export const REMOVE_OLD_CERTS_REVOKED = 0x2;
/** `RemoveOldCertsRules` bit: remove this CA's older certificates of the same template as the new one. */
export const REMOVE_OLD_CERTS_SUPERSEDED = 0x4;
/** @default all three rules (0x7). */
export const REMOVE_OLD_CERTS_DEFAULT_RULES =
  REMOVE_OLD_CERTS_EXPIRED | REMOVE_OLD_CERTS_REVOKED | REMOVE_OLD_CERTS_SUPERSEDED;

/** The question the module cannot answer itself: is this serial revoked in this CA's database? */
export type RevocationLookup = (certificate: {
  /** Upper-case hex, as the CA database stores `SerialNumber`. */
  readonly serialNumber: string;
  readonly der: Uint8Array;
}) => boolean | Promise<boolean>;

/** Why a value goes. */
export type OldCertificateReason = 'expired' | 'revoked' | 'superseded';

/** What {@link selectOldCertificates} decides for one value. */
export interface OldCertificate {
  readonly der: Uint8Array;
  readonly serialNumber: string;
  readonly reason: OldCertificateReason;
}

/** Inputs of {@link selectOldCertificates}. */
export interface SelectOldCertificatesOptions {
  /** The values the directory object holds now. */
  readonly values: readonly Uint8Array[];
  /** The certificate being published (never removed). */
  readonly issued: Uint8Array;
  /** The template of the issued certificate as the CA recorded it (`CertificateTemplate`), when its DER has none. */
  readonly issuedTemplate?: string;
  /** Every certificate of this CA (`RawCACertificate.0 … CertCount-1`): renewals keep old certificates valid. */
  readonly caCertificates: readonly X509Certificate[];
  /** `REMOVE_OLD_CERTS_*` bits. */
  readonly rules: number;
  readonly now: Date;
  readonly isRevoked?: RevocationLookup;
  /** Told when the revocation lookup fails; the value is then kept. */
  readonly onLookupError?: (serialNumber: string, error: unknown) => void;
}

/**
 * Picks the values `EXITPUB_REMOVEOLDCERTS` removes before the new certificate is added. Only values whose
 * signature verifies against one of this CA's certificates are candidates: a certificate of another CA, or bytes
 * that do not parse, are never removed. A candidate goes when it is expired (`NotAfter` before now), when the
 * injected lookup says this CA revoked it, or when it has the issued certificate's template and a `NotBefore` no
 * later than the issued one's (superseded). The issued certificate itself always stays.
 */
export async function selectOldCertificates(options: SelectOldCertificatesOptions): Promise<OldCertificate[]> {
  const issued = readCertificateFacts(options.issued);
  const issuedBytes = Buffer.from(options.issued);
  const issuedTemplate = issued?.template ?? options.issuedTemplate;
  const selected: OldCertificate[] = [];
  for (const der of options.values) {
    if (Buffer.compare(Buffer.from(der), issuedBytes) === 0) continue;
    const facts = readCertificateFacts(der);
    if (!facts || !options.caCertificates.some((ca) => isIssuedBy(facts, ca))) continue;
    const reason = await _reason(facts, issued, issuedTemplate, options);
    if (reason) selected.push({ der, serialNumber: facts.serialNumber, reason });
  }
  return selected;
}

async function _reason(
  facts: CertificateFacts,
  issued: CertificateFacts | undefined,
  issuedTemplate: string | undefined,
  options: SelectOldCertificatesOptions,
): Promise<OldCertificateReason | undefined> {
  if (options.rules & REMOVE_OLD_CERTS_EXPIRED && facts.notAfter.getTime() < options.now.getTime()) return 'expired';
  if (options.rules & REMOVE_OLD_CERTS_REVOKED && options.isRevoked) {
    try {
      if (await options.isRevoked({ serialNumber: facts.serialNumber, der: facts.der })) return 'revoked';
    } catch (error) {
      options.onLookupError?.(facts.serialNumber, error);
    }
  }
  if (
    options.rules & REMOVE_OLD_CERTS_SUPERSEDED &&
    issuedTemplate !== undefined &&
    facts.template !== undefined &&
    facts.template.toLowerCase() === issuedTemplate.toLowerCase() &&
    (issued === undefined || facts.notBefore.getTime() <= issued.notBefore.getTime())
  ) {
    return 'superseded';
  }
  return undefined;
}
