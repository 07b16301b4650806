/**
 * Streaming CRL encoding: revoked entries are written straight into one growing buffer, and the signed CRL is
 * finished in place around them, so a CRL of a million entries costs no object or array per entry and no
 * concatenation. RFC 5280 §5.1:
 *
 * ```asn1
 * CertificateList  ::=  SEQUENCE  {
 *      tbsCertList          TBSCertList,
 *      signatureAlgorithm   AlgorithmIdentifier,
 *      signatureValue       BIT STRING  }
 *
 * TBSCertList  ::=  SEQUENCE  {
 *      version                 Version OPTIONAL, -- if present, MUST be v2
 *      signature               AlgorithmIdentifier,
 *      issuer                  Name,
 *      thisUpdate              Time,
 *      nextUpdate              Time OPTIONAL,
 *      revokedCertificates     SEQUENCE OF SEQUENCE  {
 *           userCertificate         CertificateSerialNumber,
 *           revocationDate          Time,
 *           crlEntryExtensions      Extensions OPTIONAL  }  OPTIONAL,
 *      crlExtensions           [0]  EXPLICIT Extensions OPTIONAL }
 * ```
 */
import type { webcrypto } from 'node:crypto';
import type { Name } from '@peculiar/asn1-x509';
import { bytesToHex, concatBytes, encodeBitString, encodeTime, encodeTlv, TAG_UTC_TIME } from './der';
import { nameToDer } from './distinguished-name';
import type { X509Extension } from './extensions';
import {
  authorityKeyIdentifier,
  caVersion,
  crlNumber,
  deltaCrlIndicator,
  encodeExtensions,
  freshestCrl,
} from './extensions';
import type { KeyAlgorithmName } from './key-algorithm';
import { signatureAlgorithmIdentifierDer, signData } from './key-algorithm';
import { X509ArgumentError } from './x509-error';

/** RFC 5280 reason code 8: only meaningful in delta CRLs (un-hold). */
export const CRL_REASON_REMOVE_FROM_CRL = 8;

/** Microsoft szOID_CRL_NEXT_PUBLISH: when the CA will publish its next CRL. */
export const OID_MS_CRL_NEXT_PUBLISH = '1.3.6.1.4.1.311.21.4';

/** Everything of a CRL but its entries. */
export interface CrlHeaderInput {
  /** The CA certificate's subject; pass its DER to keep it byte-identical. */
  issuerName: Name | Uint8Array;
  issuerKey: webcrypto.CryptoKey;
  keyAlgorithm: KeyAlgorithmName;
  /** The CA's subjectKeyIdentifier (AKI keyIdentifier of the CRL). */
  authorityKeyId: Uint8Array;
  crlNumber: bigint | number;
  thisUpdate: Date;
  nextUpdate: Date;
  /** Makes this a delta CRL over base CRL number `deltaOfBase` (adds critical deltaCRLIndicator). */
  deltaOfBase?: bigint | number;
  /** Delta CRL locations, written as freshestCRL (base CRLs only). */
  freshestCrlUrls?: readonly string[];
  /** Microsoft CA Version of the signing CA certificate/key. */
  caVersion?: { certIndex: number; keyIndex: number };
  /** Microsoft "Next CRL Publish" time. */
  nextCrlPublish?: Date;
  /** Mark cRLNumber critical (AD CS's `CRLF_CRLNUMBER_CRITICAL`); RFC 5280 makes it non-critical. */
  crlNumberCritical?: boolean;
  /** Further CRL extensions (e.g. issuingDistributionPoint), appended after ours. */
  extensions?: readonly X509Extension[];
}

/** Largest entry: SEQUENCE header 2 + serial 22 + GeneralizedTime 17 + reasonCode extensions 14. */
const _MAX_ENTRY = 55;
/** Room for a tag and a five-byte length, the most any header here needs. */
const _MAX_HEADER = 6;
/** Signature algorithm, signature BIT STRING (RSA 4096 and its header) and slack. */
const _TAIL = 640;

/**
 * Builds one CRL entry by entry. Extensions in AD CS order: authorityKeyIdentifier, CA Version, cRLNumber, Next CRL
 * Publish, then deltaCRLIndicator (delta) or freshestCRL (base). Reason 8 (removeFromCRL) is accepted only in a delta
 * CRL; reason 0 is written as no reasonCode (RFC 5280 §5.3.1 recommends omitting it). Each entry's serial is
 * checked; duplicates are the caller's to prevent (the database's serial column is unique; {@link createCrl}
 * checks small lists itself).
 *
 * @example
 * ```ts
 * const encoder = new CrlEncoder(header);
 * encoder.addEntry(serials, 0, serials.length, Date.now(), 1);
 * const der = await encoder.finish();
 * ```
 */
export class CrlEncoder {
  private buffer: Uint8Array;
  private position: number;
  private readonly entriesStart: number;
  private readonly prefix: Uint8Array;
  private readonly extensionsBlock: Uint8Array;
  private readonly isDelta: boolean;
  private entries = 0;
  private finished = false;

  constructor(
    private readonly input: CrlHeaderInput,
    /** A hint that sizes the buffer once; it grows if the hint was low. */
    expectedEntries = 0,
  ) {
    this.isDelta = input.deltaOfBase !== undefined;
    _checkHeader(input, this.isDelta);
    this.prefix = concatBytes(
      Uint8Array.of(0x02, 0x01, 0x01), // version v2 (1)
      signatureAlgorithmIdentifierDer(input.keyAlgorithm),
      nameToDer(input.issuerName),
      encodeTime(input.thisUpdate),
      encodeTime(input.nextUpdate),
    );
    this.extensionsBlock = encodeTlv(0xa0, encodeExtensions(_crlExtensions(input, this.isDelta), 'CRL'));
    // Three headers (CertificateList, TBSCertList, revokedCertificates) are written in front of the prefix once the
    // lengths are known.
    this.entriesStart = 3 * _MAX_HEADER + this.prefix.length;
    this.position = this.entriesStart;
    const expected = Math.max(0, Math.min(Math.floor(expectedEntries), 40_000_000));
    this.buffer = new Uint8Array(this.entriesStart + expected * _MAX_ENTRY + this.extensionsBlock.length + _TAIL);
  }

  /** How many entries were added. */
  get entryCount(): number {
    return this.entries;
  }

  /**
   * Adds one revoked certificate.
   * @param serials bytes holding the serial (INTEGER content octets) at `start..end`, e.g. a batch's pool
   * @param revocationMs the revocationDate, epoch milliseconds (seconds precision is written)
   * @param reason RFC 5280 reason code; 0 writes no reasonCode
   */
  addEntry(serials: Uint8Array, start: number, end: number, revocationMs: number, reason: number): void {
    if (this.finished) throw new X509ArgumentError('CRL: entries added after finish()');
    const length = end - start;
    const first = serials[start]!;
    if (
      length < 1 ||
      length > 20 ||
      (first & 0x80) !== 0 ||
      (length > 1 && first === 0 && (serials[start + 1]! & 0x80) === 0) ||
      (length === 1 && first === 0)
    ) {
      throw new X509ArgumentError(
        `CRL: serial ${bytesToHex(serials.subarray(start, end))} is not a positive, minimal INTEGER of 1 to 20 bytes`,
      );
    }
    if (!Number.isFinite(revocationMs)) {
      throw new X509ArgumentError(
        `CRL: serial ${bytesToHex(serials.subarray(start, end))} has an invalid revocation date`,
      );
    }
    if (!Number.isInteger(reason) || reason < 0 || reason > 10 || reason === 7) {
      throw new X509ArgumentError(`cRLReason: invalid reason code ${reason}`);
    }
    if (reason === CRL_REASON_REMOVE_FROM_CRL && !this.isDelta) {
      throw new X509ArgumentError(
        `CRL: serial ${bytesToHex(serials.subarray(start, end))} uses reason 8 (removeFromCRL), which only delta CRLs may carry`,
      );
    }
    if (this.position + _MAX_ENTRY > this.buffer.length - this.extensionsBlock.length - _TAIL) this.grow();
    const b = this.buffer;
    let p = this.position;
    const seq = p;
    p += 2; // SEQUENCE header, length filled in below (always < 128)
    b[p++] = 0x02;
    b[p++] = length;
    for (let i = start; i < end; i++) b[p++] = serials[i]!;
    p = _writeTime(b, p, revocationMs);
    if (reason !== 0) {
      // crlEntryExtensions: SEQUENCE { SEQUENCE { OID 2.5.29.21, OCTET STRING { ENUMERATED reason } } }
      b[p++] = 0x30;
      b[p++] = 0x0c;
      b[p++] = 0x30;
      b[p++] = 0x0a;
      b[p++] = 0x06;
      b[p++] = 0x03;
      b[p++] = 0x55;
      b[p++] = 0x1d;
      b[p++] = 0x15;
      b[p++] = 0x04;
      b[p++] = 0x03;
      b[p++] = 0x0a;
      b[p++] = 0x01;
      b[p++] = reason;
    }
    b[seq] = 0x30;
    b[seq + 1] = p - seq - 2;
    this.position = p;
    this.entries++;
  }

  /** Signs and returns the DER CRL (a view of the encoder's buffer; the encoder is done after this). */
  async finish(): Promise<Uint8Array> {
    if (this.finished) throw new X509ArgumentError('CRL: finish() called twice');
    this.finished = true;
    const b = this.buffer;
    const entriesLength = this.position - this.entriesStart;
    b.set(this.extensionsBlock, this.position);
    const tbsEnd = this.position + this.extensionsBlock.length;
    // RFC 5280 §5.1.2.6: an empty list is omitted, not encoded as an empty SEQUENCE.
    let start = this.entriesStart;
    if (entriesLength > 0) start = _writeHeaderBefore(b, start, 0x30, entriesLength);
    start -= this.prefix.length;
    b.set(this.prefix, start);
    const tbsStart = _writeHeaderBefore(b, start, 0x30, tbsEnd - start);
    const tbs = b.subarray(tbsStart, tbsEnd);
    const signature = await signData(this.input.issuerKey, this.input.keyAlgorithm, tbs);
    const tail = concatBytes(signatureAlgorithmIdentifierDer(this.input.keyAlgorithm), encodeBitString(signature));
    if (tbsEnd + tail.length > b.length) throw new X509ArgumentError('CRL: signature larger than expected');
    b.set(tail, tbsEnd);
    const end = tbsEnd + tail.length;
    const outerStart = _writeHeaderBefore(b, tbsStart, 0x30, end - tbsStart);
    return b.subarray(outerStart, end);
  }

  private grow(): void {
    const needed = this.position + _MAX_ENTRY + this.extensionsBlock.length + _TAIL;
    const next = new Uint8Array(Math.max(needed, Math.ceil(this.buffer.length * 1.5)));
    next.set(this.buffer.subarray(0, this.position));
    this.buffer = next;
  }
}

function _checkHeader(input: CrlHeaderInput, isDelta: boolean): void {
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
}

function _crlExtensions(input: CrlHeaderInput, isDelta: boolean): X509Extension[] {
  const extensions: X509Extension[] = [authorityKeyIdentifier(input.authorityKeyId)];
  if (input.caVersion) extensions.push(caVersion(input.caVersion.certIndex, input.caVersion.keyIndex));
  const number = crlNumber(input.crlNumber);
  extensions.push(input.crlNumberCritical ? { ...number, critical: true } : number);
  if (input.nextCrlPublish) {
    extensions.push({ oid: OID_MS_CRL_NEXT_PUBLISH, critical: false, value: _utcTimeOnly(input.nextCrlPublish) });
  }
  if (isDelta) extensions.push(deltaCrlIndicator(input.deltaOfBase!));
  else if (input.freshestCrlUrls && input.freshestCrlUrls.length > 0) {
    extensions.push(freshestCrl(input.freshestCrlUrls));
  }
  extensions.push(...(input.extensions ?? []));
  return extensions;
}

/** Microsoft writes Next CRL Publish as a UTCTime (years 1950–2049). */
function _utcTimeOnly(date: Date): Uint8Array {
  const der = encodeTime(date);
  if (der[0] !== TAG_UTC_TIME) throw new X509ArgumentError('CRL: nextCrlPublish must lie between 1950 and 2049');
  return der;
}

/** Writes a tag and DER length ending just before `end`; returns where the header starts. */
function _writeHeaderBefore(b: Uint8Array, end: number, tag: number, length: number): number {
  let p = end;
  if (length < 0x80) {
    b[--p] = length;
  } else {
    let octets = 0;
    for (let n = length; n > 0; n = Math.floor(n / 256)) {
      b[--p] = n & 0xff;
      octets++;
    }
    b[--p] = 0x80 | octets;
  }
  b[--p] = tag;
  return p;
}

/**
 * RFC 5280 §4.1.2.5 time without a `Date`: UTCTime for 1950–2049, GeneralizedTime otherwise, seconds precision
 * (milliseconds truncated), as `encodeTime` writes it. Civil date from days after Howard Hinnant's algorithm.
 */
function _writeTime(b: Uint8Array, p: number, ms: number): number {
  const seconds = Math.floor(ms / 1000);
  const days = Math.floor(seconds / 86_400);
  let rest = seconds - days * 86_400;
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  const hour = Math.floor(rest / 3600);
  rest -= hour * 3600;
  const minute = Math.floor(rest / 60);
  const second = rest - minute * 60;
  if (year >= 1950 && year <= 2049) {
    b[p++] = 0x17;
    b[p++] = 13;
    p = _two(b, p, year % 100);
  } else {
    if (year < 0 || year > 9999) throw new X509ArgumentError(`year ${year} cannot be encoded as GeneralizedTime`);
    b[p++] = 0x18;
    b[p++] = 15;
    p = _two(b, p, Math.floor(year / 100));
    p = _two(b, p, year % 100);
  }
  p = _two(b, p, month);
  p = _two(b, p, day);
  p = _two(b, p, hour);
  p = _two(b, p, minute);
  p = _two(b, p, second);
  b[p++] = 0x5a; // Z
  return p;
}

function _two(b: Uint8Array, p: number, n: number): number {
  b[p] = 0x30 + Math.floor(n / 10);
  b[p + 1] = 0x30 + (n % 10);
  return p + 2;
}
