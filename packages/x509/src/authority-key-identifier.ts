/**
 * The authorityKeyIdentifier extension with any of its three fields, as AD CS's `EDITF_ENABLEAKIKEYID`,
 * `EDITF_ENABLEAKIISSUERNAME` and `EDITF_ENABLEAKIISSUERSERIAL` select them (RFC 5280 §4.2.1.1):
 *
 * ```asn1
 * AuthorityKeyIdentifier ::= SEQUENCE {
 *   keyIdentifier             [0] KeyIdentifier           OPTIONAL,
 *   authorityCertIssuer       [1] GeneralNames            OPTIONAL,
 *   authorityCertSerialNumber [2] CertificateSerialNumber OPTIONAL }
 * ```
 */
import { encodeSequence, encodeTlv } from './der';
import type { X509Extension } from './extensions';
import { EXTENSION_OID } from './extensions';
import { X509ArgumentError } from './x509-error';

/** The fields of an authorityKeyIdentifier; issuer and serial go together (RFC 5280 §4.2.1.1). */
export interface AuthorityKeyIdentifierFields {
  /** The issuing CA's subject key identifier. */
  keyIdentifier?: Uint8Array;
  /** The issuing CA certificate's issuer (its DER Name) and serial number (INTEGER contents). */
  issuer?: { nameDer: Uint8Array; serialNumber: Uint8Array };
}

/** An authorityKeyIdentifier of `fields`; RFC 5280 makes it non-critical, AD CS lets `EDITF_ENABLEAKICRITICAL` say. */
export function authorityKeyIdentifierOf(fields: AuthorityKeyIdentifierFields, critical = false): X509Extension {
  const parts: Uint8Array[] = [];
  if (fields.keyIdentifier) {
    if (fields.keyIdentifier.length === 0) throw new X509ArgumentError('authorityKeyIdentifier: empty key identifier');
    parts.push(encodeTlv(0x80, fields.keyIdentifier));
  }
  if (fields.issuer) {
    // [1] IMPLICIT GeneralNames holding one directoryName ([4] EXPLICIT Name).
    parts.push(encodeTlv(0xa1, encodeTlv(0xa4, fields.issuer.nameDer)));
    parts.push(encodeTlv(0x82, fields.issuer.serialNumber));
  }
  if (parts.length === 0) throw new X509ArgumentError('authorityKeyIdentifier: no field selected');
  return { oid: EXTENSION_OID.authorityKeyIdentifier, critical, value: encodeSequence(...parts) };
}
