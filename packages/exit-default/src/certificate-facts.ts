import { X509Certificate } from 'node:crypto';

/** The facts of a certificate the cleanup rules of `EXITPUB_REMOVEOLDCERTS` look at. */
export interface CertificateFacts {
  readonly der: Uint8Array;
  /** Node's view of the certificate (signature verification against a CA). */
  readonly x509: X509Certificate;
  /** Upper-case hex without separators, as the CA database and certutil show it. */
  readonly serialNumber: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /**
   * The template the certificate was issued from: the template OID of the "Certificate Template Information"
   * extension (1.3.6.1.4.1.311.21.7) when present, else the name of the V1 "Certificate Template Name" extension
   * (1.3.6.1.4.1.311.20.2); `undefined` when it has neither.
   */
  readonly template: string | undefined;
}

/** `szOID_CERTIFICATE_TEMPLATE`: `SEQUENCE { templateID OID, templateMajorVersion INTEGER, templateMinorVersion INTEGER OPTIONAL }`. */
export const OID_CERTIFICATE_TEMPLATE = '1.3.6.1.4.1.311.21.7';
/** `szOID_ENROLL_CERTTYPE_EXTENSION`: the V1 template name, a `BMPString`. */
export const OID_ENROLL_CERTTYPE = '1.3.6.1.4.1.311.20.2';

/**
 * Parses a DER certificate into {@link CertificateFacts}.
 * @returns `undefined` for bytes that are not a certificate (such values are never touched by the cleanup).
 */
export function readCertificateFacts(der: Uint8Array): CertificateFacts | undefined {
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(der);
  } catch {
    return undefined;
  }
  let template: string | undefined;
  try {
    const extensions = _extensions(der);
    const v2 = extensions.get(OID_CERTIFICATE_TEMPLATE);
    const v1 = extensions.get(OID_ENROLL_CERTTYPE);
    if (v2 !== undefined) {
      const sequence = _read(v2, 0);
      const oid = _read(v2, sequence.start);
      if (oid.tag === 0x06) template = _oid(v2.subarray(oid.start, oid.end));
    }
    if (template === undefined && v1 !== undefined) template = _string(v1);
  } catch {
    template = undefined;
  }
  return {
    der,
    x509,
    serialNumber: x509.serialNumber.toUpperCase().replace(/^0+(?=.)/, ''),
    notBefore: new Date(x509.validFrom),
    notAfter: new Date(x509.validTo),
    template,
  };
}

/** Whether `certificate` carries a signature made by `ca` (and names it as its issuer). */
export function isIssuedBy(certificate: CertificateFacts, ca: X509Certificate): boolean {
  try {
    return certificate.x509.checkIssued(ca) && certificate.x509.verify(ca.publicKey);
  } catch {
    return false;
  }
}

interface _Tlv {
  tag: number;
  /** Offset of the value. */
  start: number;
  /** Offset after the value. */
  end: number;
}

function _read(bytes: Uint8Array, offset: number): _Tlv {
  const tag = bytes[offset];
  let lengthByte = bytes[offset + 1];
  if (tag === undefined || lengthByte === undefined) throw new RangeError('truncated DER');
  let start = offset + 2;
  let length = lengthByte;
  if (lengthByte & 0x80) {
    const count = lengthByte & 0x7f;
    if (count === 0 || count > 4) throw new RangeError('unsupported DER length');
    length = 0;
    for (let i = 0; i < count; i++) {
      lengthByte = bytes[start + i];
      if (lengthByte === undefined) throw new RangeError('truncated DER');
      length = length * 256 + lengthByte;
    }
    start += count;
  }
  const end = start + length;
  if (end > bytes.length) throw new RangeError('truncated DER');
  return { tag, start, end };
}

function _children(bytes: Uint8Array, parent: _Tlv): _Tlv[] {
  const out: _Tlv[] = [];
  for (let offset = parent.start; offset < parent.end; ) {
    const child = _read(bytes, offset);
    out.push(child);
    offset = child.end;
  }
  return out;
}

/** extnID → extnValue contents (the bytes inside the OCTET STRING). */
function _extensions(der: Uint8Array): Map<string, Uint8Array> {
  const certificate = _read(der, 0);
  const tbs = _children(der, certificate)[0];
  const map = new Map<string, Uint8Array>();
  if (!tbs) return map;
  const wrapper = _children(der, tbs).find((c) => c.tag === 0xa3);
  if (!wrapper) return map;
  const list = _children(der, wrapper)[0];
  if (!list) return map;
  for (const extension of _children(der, list)) {
    const parts = _children(der, extension);
    const oid = parts[0];
    const value = parts[parts.length - 1];
    if (oid?.tag !== 0x06 || value?.tag !== 0x04) continue;
    map.set(_oid(der.subarray(oid.start, oid.end)), der.subarray(value.start, value.end));
  }
  return map;
}

function _oid(bytes: Uint8Array): string {
  const arcs: number[] = [];
  let value = 0;
  for (const byte of bytes) {
    value = value * 128 + (byte & 0x7f);
    if ((byte & 0x80) === 0) {
      if (arcs.length === 0) arcs.push(value < 80 ? Math.floor(value / 40) : 2, value < 80 ? value % 40 : value - 80);
      else arcs.push(value);
      value = 0;
    }
  }
  return arcs.join('.');
}

function _string(bytes: Uint8Array): string | undefined {
  const tlv = _read(bytes, 0);
  const content = bytes.subarray(tlv.start, tlv.end);
  if (tlv.tag === 0x1e) {
    let text = '';
    for (let i = 0; i + 1 < content.length; i += 2) text += String.fromCharCode((content[i]! << 8) | content[i + 1]!);
    return text;
  }
  if (tlv.tag === 0x0c || tlv.tag === 0x16 || tlv.tag === 0x13) return Buffer.from(content).toString('utf8');
  return undefined;
}
