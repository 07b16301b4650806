/** Building and signing v2 CRLs, base and delta (RFC 5280 §5). */
import type { webcrypto } from 'node:crypto';
import type { Name } from '@peculiar/asn1-x509';
import { bytesToHex, encodeBitString, encodeSequence, encodeTime, encodeTlv, TAG_UTC_TIME } from './der';
import { nameToDer } from './distinguished-name';
import type { X509Extension } from './extensions';
import {
  authorityKeyIdentifier,
  caVersion,
  cRLReason,
  crlNumber,
  deltaCrlIndicator,
  encodeExtensions,
  freshestCrl,
} from './extensions';
import type { KeyAlgorithmName } from './key-algorithm';
import { signatureAlgorithmIdentifierDer, signData } from './key-algorithm';
import { assertValidSerialNumber } from './serial-number';
import { X509ArgumentError } from './x509-error';

/** RFC 5280 reason code 8: only meaningful in delta CRLs (un-hold). */
export const CRL_REASON_REMOVE_FROM_CRL = 8;

/** Microsoft szOID_CRL_NEXT_PUBLISH: when the CA will publish its next CRL. */
export const OID_MS_CRL_NEXT_PUBLISH = '1.3.6.1.4.1.311.21.4';

/** One revoked certificate. */
export interface CrlEntry {
  /** INTEGER content octets of the certificate serial. */
  serialNumber: Uint8Array;
  revocationDate: Date;
  /** RFC 5280 reason code; 0 (unspecified) or undefined writes no reasonCode extension. */
  reason?: number;
}

/** Input of {@link createCrl}. */
export interface CreateCrlInput {
  /** The CA certificate's subject; pass its DER to keep it byte-identical. */
  issuerName: Name | Uint8Array;
  issuerKey: webcrypto.CryptoKey;
  keyAlgorithm: KeyAlgorithmName;
  /** The CA's subjectKeyIdentifier (AKI keyIdentifier of the CRL). */
  authorityKeyId: Uint8Array;
  crlNumber: bigint | number;
  thisUpdate: Date;
  nextUpdate: Date;
  entries: readonly CrlEntry[];
  /** Makes this a delta CRL over base CRL number `deltaOfBase` (adds critical deltaCRLIndicator). */
  deltaOfBase?: bigint | number;
  /** Delta CRL locations, written as freshestCRL (base CRLs only). */
  freshestCrlUrls?: readonly string[];
  /** Microsoft CA Version of the signing CA certificate/key. */
  caVersion?: { certIndex: number; keyIndex: number };
  /** Microsoft "Next CRL Publish" time. */
  nextCrlPublish?: Date;
  /** Further CRL extensions (e.g. issuingDistributionPoint), appended after ours. */
  extensions?: readonly X509Extension[];
}

/**
 * Encodes and signs a v2 CRL (DER). Extensions in AD CS order: authorityKeyIdentifier, CA Version,
 * cRLNumber, Next CRL Publish, then deltaCRLIndicator (delta) or freshestCRL (base).
 * Reason 8 (removeFromCRL) is only accepted in a delta CRL; reason 0 is written as no reasonCode
 * (RFC 5280 §5.3.1 recommends omitting it).
 */
export async function createCrl(input: CreateCrlInput): Promise<Uint8Array> {
  const isDelta = input.deltaOfBase !== undefined;
  if (Number.isNaN(input.thisUpdate.getTime()) || Number.isNaN(input.nextUpdate.getTime())) {
    throw new X509ArgumentError('CRL: invalid thisUpdate/nextUpdate');
  }
  if (input.nextUpdate.getTime() <= input.thisUpdate.getTime()) {
    throw new X509ArgumentError('CRL: nextUpdate must be after thisUpdate');
  }
  if (isDelta && input.freshestCrlUrls && input.freshestCrlUrls.length > 0) {
    throw new X509ArgumentError('CRL: freshestCRL belongs in base CRLs, not in a delta CRL');
  }
  if (isDelta && BigInt(input.deltaOfBase!) >= BigInt(input.crlNumber)) {
    throw new X509ArgumentError('CRL: a delta CRL number must be greater than its base CRL number');
  }

  const extensions: X509Extension[] = [authorityKeyIdentifier(input.authorityKeyId)];
  if (input.caVersion) extensions.push(caVersion(input.caVersion.certIndex, input.caVersion.keyIndex));
  extensions.push(crlNumber(input.crlNumber));
  if (input.nextCrlPublish) {
    extensions.push({ oid: OID_MS_CRL_NEXT_PUBLISH, critical: false, value: utcTimeOnly(input.nextCrlPublish) });
  }
  if (isDelta) extensions.push(deltaCrlIndicator(input.deltaOfBase!));
  else if (input.freshestCrlUrls && input.freshestCrlUrls.length > 0)
    extensions.push(freshestCrl(input.freshestCrlUrls));
  extensions.push(...(input.extensions ?? []));

  const parts = [
    Uint8Array.of(0x02, 0x01, 0x01), // version v2 (1)
    signatureAlgorithmIdentifierDer(input.keyAlgorithm),
    nameToDer(input.issuerName),
    encodeTime(input.thisUpdate),
    encodeTime(input.nextUpdate),
  ];
  // RFC 5280 §5.1.2.6: an empty list is omitted, not encoded as an empty SEQUENCE.
  if (input.entries.length > 0) parts.push(encodeSequence(...encodeEntries(input.entries, isDelta)));
  parts.push(encodeTlv(0xa0, encodeExtensions(extensions, 'CRL')));
  const tbs = encodeSequence(...parts);

  const signature = await signData(input.issuerKey, input.keyAlgorithm, tbs);
  return encodeSequence(tbs, signatureAlgorithmIdentifierDer(input.keyAlgorithm), encodeBitString(signature));
}

function encodeEntries(entries: readonly CrlEntry[], isDelta: boolean): Uint8Array[] {
  const seen = new Set<string>();
  return entries.map((entry) => {
    assertValidSerialNumber(entry.serialNumber);
    const hex = bytesToHex(entry.serialNumber);
    if (seen.has(hex)) throw new X509ArgumentError(`CRL: serial ${hex} is listed twice`);
    seen.add(hex);
    if (Number.isNaN(entry.revocationDate.getTime()))
      throw new X509ArgumentError(`CRL: serial ${hex} has an invalid revocation date`);
    const fields = [encodeTlv(0x02, entry.serialNumber), encodeTime(entry.revocationDate)];
    const reason = entry.reason;
    if (reason === CRL_REASON_REMOVE_FROM_CRL && !isDelta) {
      throw new X509ArgumentError(`CRL: serial ${hex} uses reason 8 (removeFromCRL), which only delta CRLs may carry`);
    }
    if (reason !== undefined && reason !== 0) fields.push(encodeExtensions([cRLReason(reason)], `CRL entry ${hex}`));
    return encodeSequence(...fields);
  });
}

/** Microsoft writes Next CRL Publish as a UTCTime (years 1950–2049). */
function utcTimeOnly(date: Date): Uint8Array {
  const der = encodeTime(date);
  if (der[0] !== TAG_UTC_TIME) throw new X509ArgumentError('CRL: nextCrlPublish must lie between 1950 and 2049');
  return der;
}
