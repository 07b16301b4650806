/**
 * `certutil -dump`: a readable decode of a certificate, a PKCS#10 request, a CRL or a PKCS#7 bundle, from DER, PEM
 * or bare base64. The extensions are decoded by name with the certificate dialog's decoder (describeExtension).
 */
import { createHash } from 'node:crypto';
import { readCertificateBundle } from './certificate-bundle';
import { parseCertificate } from './certificate-info';
import { parseCertificationRequest } from './certification-request';
import { parseCrl } from './crl-info';
import { decodeOid, integerValue, readChildren, readSingleElement, TAG_OID } from './der';
import { describeExtension, OID_NAMES } from './describe-certificate';
import type { X509Extension } from './extensions';
import { EC_CURVES, OID_EC_PUBLIC_KEY, OID_RSA_ENCRYPTION } from './public-key-info';

/** What {@link dumpObject} found and its text, one line an entry. */
export interface DumpedObject {
  readonly kind: 'certificate' | 'request' | 'crl' | 'pkcs7';
  readonly lines: string[];
}

const _CRL_REASONS = [
  'Unspecified',
  'Key Compromise',
  'CA Compromise',
  'Affiliation Changed',
  'Superseded',
  'Cessation of Operation',
  'Certificate Hold',
  '(7)',
  'Remove From CRL',
  'Privilege Withdrawn',
  'AA Compromise',
];

/** Decodes `input` (DER, PEM or base64) as a certificate, request, CRL or PKCS#7; a clear error when it is none. */
export async function dumpObject(input: Uint8Array): Promise<DumpedObject> {
  const { der, label } = _bytesOf(input);
  const tryAs = async <T>(f: () => Promise<T> | T): Promise<T | undefined> => {
    try {
      return await f();
    } catch {
      return undefined;
    }
  };
  if (!label || label === 'CERTIFICATE' || label === 'X509 CERTIFICATE') {
    const cert = await tryAs(() => parseCertificate(der));
    if (cert) return { kind: 'certificate', lines: await _certificateLines(der) };
  }
  if (!label || label === 'X509 CRL') {
    const crl = await tryAs(() => parseCrl(der));
    if (crl) return { kind: 'crl', lines: _crlLines(der) };
  }
  if (!label || label === 'CERTIFICATE REQUEST' || label === 'NEW CERTIFICATE REQUEST') {
    const request = await tryAs(() => parseCertificationRequest(der));
    if (request) return { kind: 'request', lines: _requestLines(request) };
  }
  if (!label || label === 'PKCS7' || label === 'CMS') {
    const certificates = await tryAs(() => readCertificateBundle(der));
    if (certificates?.length && _isSignedData(der)) {
      const lines = ['PKCS7 Message:', '  CMSG_SIGNED(2)', `  Certificates: ${certificates.length}`, ''];
      for (const [i, c] of certificates.entries()) {
        lines.push(`================ Certificate ${i} ================`, ...(await _certificateLines(c)), '');
      }
      return { kind: 'pkcs7', lines };
    }
  }
  throw new Error(
    label
      ? `the PEM block "${label}" holds no readable certificate, request, CRL or PKCS#7`
      : 'not a certificate, certificate request, CRL or PKCS#7 (DER, PEM or base64)',
  );
}

function _bytesOf(input: Uint8Array): { der: Uint8Array; label?: string } {
  const text = Buffer.from(input).toString('latin1');
  const pem = /-----BEGIN ([A-Z0-9 #]+)-----([\s\S]*?)-----END \1-----/.exec(text);
  if (pem) return { der: Buffer.from(pem[2]!.replace(/\s+/g, ''), 'base64'), label: pem[1] };
  const trimmed = text.trim();
  if (trimmed.length > 0 && /^[A-Za-z0-9+/=\s]+$/.test(trimmed) && input[0] !== 0x30)
    return { der: Buffer.from(trimmed.replace(/\s+/g, ''), 'base64') };
  return { der: input };
}

function _isSignedData(der: Uint8Array): boolean {
  try {
    const [oid] = readChildren(readSingleElement(der, 'ContentInfo').contents);
    return oid?.tag === TAG_OID && decodeOid(oid.contents) === '1.2.840.113549.1.7.2';
  } catch {
    return false;
  }
}

async function _certificateLines(der: Uint8Array): Promise<string[]> {
  const info = await parseCertificate(der);
  return [
    'X509 Certificate:',
    `Version: ${info.version}`,
    `Serial Number: ${info.serialNumberHex}`,
    ..._algorithm('Signature Algorithm', info.signatureAlgorithmOid),
    'Issuer:',
    `    ${info.issuerDn}`,
    `  Name Hash(sha1): ${_sha('sha1', info.issuerDer)}`,
    '',
    `NotBefore: ${info.notBefore.toISOString()}`,
    `NotAfter: ${info.notAfter.toISOString()}`,
    '',
    'Subject:',
    `    ${info.subjectDn || 'EMPTY (No Subject)'}`,
    `  Name Hash(sha1): ${_sha('sha1', info.subjectDer)}`,
    '',
    ..._publicKey(info.publicKeyAlgorithmOid, info.publicKeyLength, info.subjectPublicKeyInfo),
    ..._extensions('Certificate Extensions', info.extensions),
    ..._algorithm('Signature Algorithm', info.signatureAlgorithmOid),
    'Signature: UnusedBits=0',
    ..._hex(info.signature, '    '),
    ...(info.subjectDer.length === info.issuerDer.length &&
    Buffer.from(info.subjectDer).equals(Buffer.from(info.issuerDer))
      ? ['Root Certificate: Subject matches Issuer']
      : ['Non-root Certificate']),
    ...(info.subjectKeyIdentifier ? [`Key Id Hash(sha1): ${info.subjectKeyIdentifier.replace(/ /g, '')}`] : []),
    `Cert Hash(sha1): ${_sha('sha1', der)}`,
    `Cert Hash(sha256): ${_sha('sha256', der)}`,
  ];
}

function _requestLines(request: Awaited<ReturnType<typeof parseCertificationRequest>>): string[] {
  const other = request.attributes.filter(
    (a) => a.oid !== '1.2.840.113549.1.9.14' && a.oid !== '1.3.6.1.4.1.311.2.1.14',
  );
  return [
    'PKCS10 Certificate Request:',
    'Version: 1',
    'Subject:',
    `    ${request.subjectDn || 'EMPTY (No Subject)'}`,
    '',
    ..._publicKey(request.publicKeyAlgorithmOid, request.publicKeyLength, request.subjectPublicKeyInfo),
    `Request Attributes: ${request.attributes.length}`,
    ...other.flatMap((a) => [
      `  ${a.oid}${OID_NAMES[a.oid] ? ` (${OID_NAMES[a.oid]})` : ''}:`,
      ...a.values.flatMap((v) => _hex(v, '    ')),
    ]),
    ..._extensions('Certificate Extensions', request.extensions),
    ..._algorithm('Signature Algorithm', request.signatureAlgorithmOid),
    'Signature matches Public Key',
    `Key Id Hash(sha1): ${_sha('sha1', _subjectPublicKeyBits(request.subjectPublicKeyInfo))}`,
  ];
}

function _crlLines(der: Uint8Array): string[] {
  const crl = parseCrl(der);
  const lines = [
    'X509 Certificate Revocation List:',
    `Version: ${crl.version}`,
    ..._algorithm('Signature Algorithm', crl.signatureAlgorithm.algorithm),
    'Issuer:',
    `    ${crl.issuerDn}`,
    `  Name Hash(sha1): ${_sha('sha1', crl.issuerDer)}`,
    '',
    `ThisUpdate: ${crl.thisUpdate.toISOString()}`,
    `NextUpdate: ${crl.nextUpdate ? crl.nextUpdate.toISOString() : 'EMPTY'}`,
    `CRL Entries: ${crl.entries.length}`,
  ];
  for (const entry of crl.entries) {
    lines.push(`  Serial Number: ${entry.serialNumberHex}`, `  Revocation Date: ${entry.revocationDate.toISOString()}`);
    if (entry.extensions.length) {
      lines.push(`  Extensions: ${entry.extensions.length}`);
      for (const e of entry.extensions) lines.push(..._crlExtension(e).map((l) => `  ${l}`));
    }
    lines.push('');
  }
  lines.push(`CRL Extensions: ${crl.extensions.length}`);
  for (const e of crl.extensions) lines.push(..._crlExtension(e));
  lines.push(
    ..._algorithm('Signature Algorithm', crl.signatureAlgorithm.algorithm),
    'Signature: UnusedBits=0',
    ..._hex(crl.signature, '    '),
    `CRL Hash(sha1): ${_sha('sha1', der)}`,
    `CRL Hash(sha256): ${_sha('sha256', der)}`,
  );
  return lines;
}

/** CRL and CRL-entry extensions: the numbers, reasons and Microsoft's CRL values; the rest as certificates have them. */
function _crlExtension(e: X509Extension): string[] {
  const head = `    ${e.oid}: Flags = ${e.critical ? '1(Critical)' : '0'}, Length = ${e.value.length.toString(16)}`;
  const element = () => readSingleElement(e.value, e.oid);
  const value = (): string[] => {
    switch (e.oid) {
      case '2.5.29.20':
        return ['CRL Number', `        CRL Number=${integerValue(element().contents).toString(16)}`];
      case '2.5.29.27':
        return [
          'Delta CRL Indicator',
          `        Minimum Base CRL Number=${integerValue(element().contents).toString(16)}`,
        ];
      case '2.5.29.21': {
        const code = Number(integerValue(element().contents));
        return ['CRL Reason Code', `        ${_CRL_REASONS[code] ?? 'Unknown'} (${code})`];
      }
      case '1.3.6.1.4.1.311.21.4': {
        const t = element();
        return ['Next CRL Publish', `        ${_time(t.tag, Buffer.from(t.contents).toString('latin1'))}`];
      }
      case '2.5.29.28':
        return ['Issuing Distribution Point', ..._hex(e.value, '        ')];
      default: {
        const field = describeExtension(e);
        return [field.name, ...field.detail.split('\n').map((l) => `        ${l}`)];
      }
    }
  };
  let decoded: string[];
  try {
    decoded = value();
  } catch {
    decoded = ['(cannot be decoded)', ..._hex(e.value, '        ')];
  }
  return [head, `    ${decoded[0]}`, ...decoded.slice(1), ''];
}

function _extensions(title: string, extensions: readonly X509Extension[]): string[] {
  if (extensions.length === 0) return [`${title}: 0`, ''];
  const lines = [`${title}: ${extensions.length}`];
  for (const e of extensions) {
    const field = describeExtension(e);
    lines.push(
      `    ${e.oid}: Flags = ${e.critical ? '1(Critical)' : '0'}, Length = ${e.value.length.toString(16)}`,
      `    ${field.name}`,
      ...field.detail.split('\n').map((l) => `        ${l}`),
      '',
    );
  }
  return lines;
}

function _algorithm(title: string, oid: string): string[] {
  return [`${title}:`, `    Algorithm ObjectId: ${oid} ${OID_NAMES[oid] ?? ''}`.trimEnd(), ''];
}

function _publicKey(oid: string, bits: number, spki: Uint8Array): string[] {
  const name = oid === OID_RSA_ENCRYPTION ? 'RSA' : oid === OID_EC_PUBLIC_KEY ? 'ECC' : (OID_NAMES[oid] ?? '');
  const lines = ['Public Key Algorithm:', `    Algorithm ObjectId: ${oid} ${name}`.trimEnd()];
  if (oid === OID_EC_PUBLIC_KEY) {
    try {
      const [algorithm] = readChildren(readSingleElement(spki, 'SubjectPublicKeyInfo').contents);
      const [, curve] = algorithm ? readChildren(algorithm.contents) : [];
      const curveOid = curve?.tag === TAG_OID ? decodeOid(curve.contents) : '';
      lines.push(`    Algorithm Parameters: ${curveOid} ${EC_CURVES[curveOid]?.name ?? ''}`.trimEnd());
    } catch {
      // Shown without its curve.
    }
  }
  lines.push(
    `Public Key Length: ${bits} bits`,
    'Public Key: UnusedBits = 0',
    ..._hex(_subjectPublicKeyBits(spki), '    '),
    '',
  );
  return lines;
}

function _subjectPublicKeyBits(spki: Uint8Array): Uint8Array {
  try {
    const [, bits] = readChildren(readSingleElement(spki, 'SubjectPublicKeyInfo').contents);
    return bits ? bits.contents.subarray(1) : spki;
  } catch {
    return spki;
  }
}

function _time(tag: number, text: string): string {
  // UTCTime YYMMDDHHMMSSZ or GeneralizedTime YYYYMMDDHHMMSSZ.
  const full = tag === 0x17 ? `${Number(text.slice(0, 2)) >= 50 ? '19' : '20'}${text}` : text;
  const iso = `${full.slice(0, 4)}-${full.slice(4, 6)}-${full.slice(6, 8)}T${full.slice(8, 10)}:${full.slice(10, 12)}:${full.slice(12, 14)}Z`;
  return Number.isNaN(new Date(iso).getTime()) ? text : new Date(iso).toISOString();
}

function _sha(algorithm: 'sha1' | 'sha256', data: Uint8Array): string {
  return createHash(algorithm).update(data).digest('hex');
}

/** certutil's hex dump: offset, 16 bytes a line. */
function _hex(bytes: Uint8Array, indent: string): string[] {
  const lines: string[] = [];
  for (let i = 0; i < bytes.length; i += 16) {
    const chunk = Buffer.from(bytes.subarray(i, i + 16))
      .toString('hex')
      .replace(/(..)/g, '$1 ')
      .trim();
    lines.push(`${indent}${i.toString(16).padStart(4, '0')}  ${chunk}`);
  }
  return lines;
}
