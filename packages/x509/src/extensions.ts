/**
 * Builders for the certificate, CRL and CRL-entry extensions the CA writes, plus decoding of a
 * certificate's extension list. Every builder returns a plain {@link X509Extension} whose `value`
 * is the DER placed inside `extnValue`, so callers can also pass through extensions copied from a
 * request unchanged.
 */
import { createHash } from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import {
  AccessDescription,
  AuthorityInfoAccessSyntax,
  AuthorityKeyIdentifier,
  BasicConstraints,
  CRLDistributionPoints,
  DistributionPoint,
  DistributionPointName,
  ExtendedKeyUsage,
  FreshestCRL,
  GeneralName,
  KeyIdentifier,
  OtherName,
  SubjectAlternativeName,
} from '@peculiar/asn1-x509';
import {
  decodeOid,
  encodeInteger,
  encodeOid,
  encodeSequence,
  encodeTlv,
  integerContents,
  readChildren,
  readSingleElement,
  TAG_BIT_STRING,
  TAG_BMP_STRING,
  TAG_BOOLEAN,
  TAG_ENUMERATED,
  TAG_OCTET_STRING,
  TAG_OID,
  TAG_SEQUENCE,
  TAG_UTF8_STRING,
  toArrayBuffer,
} from './der';
import { X509ArgumentError, X509ParseError } from './x509-error';

/** One extension as stored in a certificate/CRL: `value` is the DER inside `extnValue`. */
export interface X509Extension {
  oid: string;
  critical: boolean;
  value: Uint8Array;
}

/** Extension OIDs written or read by certexit. */
export const EXTENSION_OID = {
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  crlNumber: '2.5.29.20',
  crlReason: '2.5.29.21',
  deltaCrlIndicator: '2.5.29.27',
  crlDistributionPoints: '2.5.29.31',
  certificatePolicies: '2.5.29.32',
  authorityKeyIdentifier: '2.5.29.35',
  extendedKeyUsage: '2.5.29.37',
  freshestCrl: '2.5.29.46',
  authorityInfoAccess: '1.3.6.1.5.5.7.1.1',
  /** Microsoft szOID_CERTSRV_CA_VERSION. */
  caVersion: '1.3.6.1.4.1.311.21.1',
  /** Microsoft szOID_ENROLL_CERTTYPE_EXTENSION (V1 template name, BMPString). */
  certificateTemplateName: '1.3.6.1.4.1.311.20.2',
  /** Microsoft szOID_CERTIFICATE_TEMPLATE (V2+ template OID and version). */
  certificateTemplateInformation: '1.3.6.1.4.1.311.21.7',
} as const;

/** Key usage bit names (RFC 5280 §4.2.1.3); `contentCommitment` is the newer name of `nonRepudiation`. */
export type KeyUsageName =
  | 'digitalSignature'
  | 'nonRepudiation'
  | 'contentCommitment'
  | 'keyEncipherment'
  | 'dataEncipherment'
  | 'keyAgreement'
  | 'keyCertSign'
  | 'cRLSign'
  | 'encipherOnly'
  | 'decipherOnly';

const KEY_USAGE_BITS: Record<KeyUsageName, number> = {
  digitalSignature: 0,
  nonRepudiation: 1,
  contentCommitment: 1,
  keyEncipherment: 2,
  dataEncipherment: 3,
  keyAgreement: 4,
  keyCertSign: 5,
  cRLSign: 6,
  encipherOnly: 7,
  decipherOnly: 8,
};

function serialize(value: unknown): Uint8Array {
  return new Uint8Array(AsnConvert.serialize(value));
}

function uriNames(urls: readonly string[], what: string): GeneralName[] {
  return urls.map((url) => {
    // IA5String: ASCII only; a scheme catches "forgot http://" mistakes early.
    if (!/^[a-zA-Z][a-zA-Z0-9+.-]*:[\x21-\x7e]+$/.test(url)) {
      throw new X509ArgumentError(`${what}: "${url}" is not an ASCII absolute URI`);
    }
    return new GeneralName({ uniformResourceIdentifier: url });
  });
}

/** basicConstraints (2.5.29.19). Critical by default (RFC 5280 requires it for CA certificates). */
export function basicConstraints(ca: boolean, pathLen?: number, critical = true): X509Extension {
  if (pathLen !== undefined) {
    if (!ca) throw new X509ArgumentError('basicConstraints: pathLen is only allowed when ca is true');
    if (!Number.isInteger(pathLen) || pathLen < 0) {
      throw new X509ArgumentError(`basicConstraints: pathLen must be a non-negative integer, got ${pathLen}`);
    }
  }
  const value = serialize(
    new BasicConstraints({ cA: ca, ...(pathLen === undefined ? {} : { pathLenConstraint: pathLen }) }),
  );
  return { oid: EXTENSION_OID.basicConstraints, critical, value };
}

/** keyUsage (2.5.29.15) from bit names, DER named-bit-string encoding (trailing zero bits removed). */
export function keyUsage(usages: readonly KeyUsageName[], critical = true): X509Extension {
  if (usages.length === 0) throw new X509ArgumentError('keyUsage: at least one usage is required');
  let highest = -1;
  const bytes = new Uint8Array(2);
  for (const name of usages) {
    const bit = KEY_USAGE_BITS[name];
    if (bit === undefined) throw new X509ArgumentError(`keyUsage: unknown usage "${name}"`);
    bytes[bit >> 3]! |= 0x80 >> (bit & 7);
    highest = Math.max(highest, bit);
  }
  const used = bytes.subarray(0, (highest >> 3) + 1);
  const unusedBits = 7 - (highest & 7);
  return {
    oid: EXTENSION_OID.keyUsage,
    critical,
    value: encodeTlv(TAG_BIT_STRING, Uint8Array.of(unusedBits, ...used)),
  };
}

/** extendedKeyUsage (2.5.29.37) from purpose OIDs (e.g. `1.3.6.1.5.5.7.3.1` serverAuth). */
export function extendedKeyUsage(oids: readonly string[], critical = false): X509Extension {
  if (oids.length === 0) throw new X509ArgumentError('extendedKeyUsage: at least one purpose OID is required');
  for (const oid of oids) encodeOid(oid); // validates
  return { oid: EXTENSION_OID.extendedKeyUsage, critical, value: serialize(new ExtendedKeyUsage([...oids])) };
}

/**
 * RFC 5280 §4.2.1.2 method 1: SHA-1 over the subjectPublicKey BIT STRING contents (without tag,
 * length and unused-bits octet). This is also what Windows computes.
 */
export async function keyIdentifierOf(spki: Uint8Array): Promise<Uint8Array> {
  let bitString: Uint8Array;
  try {
    const seq = readSingleElement(spki, 'SubjectPublicKeyInfo');
    const [alg, key] = seq.tag === TAG_SEQUENCE ? readChildren(seq.contents) : [];
    if (!alg || alg.tag !== TAG_SEQUENCE || !key || key.tag !== TAG_BIT_STRING || key.contents.length < 1) {
      throw new X509ParseError('expected SEQUENCE { AlgorithmIdentifier, BIT STRING }');
    }
    bitString = key.contents.subarray(1);
  } catch (err) {
    throw new X509ParseError(`not a DER SubjectPublicKeyInfo: ${(err as Error).message}`);
  }
  return new Uint8Array(createHash('sha1').update(bitString).digest());
}

/** subjectKeyIdentifier (2.5.29.14) computed from a DER SPKI with {@link keyIdentifierOf}. */
export async function subjectKeyIdentifier(spki: Uint8Array): Promise<X509Extension> {
  const keyId = await keyIdentifierOf(spki);
  return { oid: EXTENSION_OID.subjectKeyIdentifier, critical: false, value: encodeTlv(TAG_OCTET_STRING, keyId) };
}

/** authorityKeyIdentifier (2.5.29.35) with only the keyIdentifier field (the issuer's SKI). */
export function authorityKeyIdentifier(keyId: Uint8Array): X509Extension {
  if (keyId.length === 0) throw new X509ArgumentError('authorityKeyIdentifier: empty key identifier');
  const value = serialize(new AuthorityKeyIdentifier({ keyIdentifier: new KeyIdentifier(toArrayBuffer(keyId)) }));
  return { oid: EXTENSION_OID.authorityKeyIdentifier, critical: false, value };
}

function distributionPoints(urls: readonly string[], what: string): DistributionPoint[] {
  if (urls.length === 0) throw new X509ArgumentError(`${what}: at least one URL is required`);
  // One DistributionPoint with all URLs as alternative names of the same CRL, like AD CS does.
  return [new DistributionPoint({ distributionPoint: new DistributionPointName({ fullName: uriNames(urls, what) }) })];
}

/** cRLDistributionPoints (2.5.29.31): one distribution point listing every URL. */
export function crlDistributionPoints(urls: readonly string[]): X509Extension {
  const value = serialize(new CRLDistributionPoints(distributionPoints(urls, 'crlDistributionPoints')));
  return { oid: EXTENSION_OID.crlDistributionPoints, critical: false, value };
}

/** freshestCRL (2.5.29.46): where the delta CRL lives; placed in base CRLs and certificates. */
export function freshestCrl(urls: readonly string[]): X509Extension {
  const value = serialize(new FreshestCRL(distributionPoints(urls, 'freshestCrl')));
  return { oid: EXTENSION_OID.freshestCrl, critical: false, value };
}

/** authorityInfoAccess (1.3.6.1.5.5.7.1.1): CA issuer certificate URLs first, then OCSP, like AD CS. */
export function authorityInfoAccess(access: {
  caIssuers?: readonly string[];
  ocsp?: readonly string[];
}): X509Extension {
  const caIssuers = uriNames(access.caIssuers ?? [], 'authorityInfoAccess caIssuers');
  const ocsp = uriNames(access.ocsp ?? [], 'authorityInfoAccess ocsp');
  if (caIssuers.length + ocsp.length === 0) throw new X509ArgumentError('authorityInfoAccess: no URLs given');
  const items = [
    ...caIssuers.map((n) => new AccessDescription({ accessMethod: '1.3.6.1.5.5.7.48.2', accessLocation: n })),
    ...ocsp.map((n) => new AccessDescription({ accessMethod: '1.3.6.1.5.5.7.48.1', accessLocation: n })),
  ];
  return {
    oid: EXTENSION_OID.authorityInfoAccess,
    critical: false,
    value: serialize(new AuthorityInfoAccessSyntax(items)),
  };
}

/** Subject alternative names accepted by {@link subjectAltName}. */
export interface SubjectAltNames {
  dns?: readonly string[];
  email?: readonly string[];
  uri?: readonly string[];
  /** IPv4 or IPv6 literals. */
  ip?: readonly string[];
  /** Microsoft user principal names (otherName 1.3.6.1.4.1.311.20.2.3, UTF8String). */
  upn?: readonly string[];
}

/** subjectAltName (2.5.29.17). Critical when the subject name is empty (RFC 5280 §4.2.1.6). */
export function subjectAltName(names: SubjectAltNames, critical = false): X509Extension {
  const items: GeneralName[] = [
    ...(names.dns ?? []).map((d) => new GeneralName({ dNSName: d })),
    ...(names.email ?? []).map((e) => new GeneralName({ rfc822Name: e })),
    ...uriNames(names.uri ?? [], 'subjectAltName uri'),
    ...(names.ip ?? []).map((ip) => new GeneralName({ iPAddress: ip })),
    ...(names.upn ?? []).map(
      (upn) =>
        new GeneralName({
          otherName: new OtherName({
            typeId: '1.3.6.1.4.1.311.20.2.3',
            value: toArrayBuffer(encodeTlv(TAG_UTF8_STRING, new TextEncoder().encode(upn))),
          }),
        }),
    ),
  ];
  if (items.length === 0) throw new X509ArgumentError('subjectAltName: no names given');
  return { oid: EXTENSION_OID.subjectAltName, critical, value: serialize(new SubjectAlternativeName(items)) };
}

/**
 * Microsoft CA Version (1.3.6.1.4.1.311.21.1): INTEGER `keyIndex << 16 | certIndex`, shown by Windows
 * as `V<certIndex>.<keyIndex>`: V0.0 for the first CA certificate, V1.0 after renewing with the same
 * key, V1.1 after renewing with a new key.
 */
export function caVersion(certIndex: number, keyIndex: number): X509Extension {
  for (const [n, v] of [
    ['certIndex', certIndex],
    ['keyIndex', keyIndex],
  ] as const) {
    if (!Number.isInteger(v) || v < 0 || v > 0xffff) throw new X509ArgumentError(`caVersion: ${n} must be 0..65535`);
  }
  const value = encodeInteger((BigInt(keyIndex) << 16n) | BigInt(certIndex));
  return { oid: EXTENSION_OID.caVersion, critical: false, value };
}

/** Microsoft certificate template name (1.3.6.1.4.1.311.20.2), BMPString — what V1 templates stamp. */
export function certificateTemplateName(name: string): X509Extension {
  if (name.length === 0) throw new X509ArgumentError('certificateTemplateName: empty template name');
  const bytes = new Uint8Array(name.length * 2);
  for (let i = 0; i < name.length; i++) {
    const unit = name.charCodeAt(i);
    bytes[i * 2] = unit >> 8;
    bytes[i * 2 + 1] = unit & 0xff;
  }
  return { oid: EXTENSION_OID.certificateTemplateName, critical: false, value: encodeTlv(TAG_BMP_STRING, bytes) };
}

/**
 * Microsoft certificate template information (1.3.6.1.4.1.311.21.7) for V2+ templates:
 * SEQUENCE { templateID OID, templateMajorVersion INTEGER, templateMinorVersion INTEGER OPTIONAL }.
 */
export function certificateTemplateInformation(templateOid: string, major: number, minor?: number): X509Extension {
  const parts = [encodeOid(templateOid), encodeInteger(major)];
  if (minor !== undefined) parts.push(encodeInteger(minor));
  return { oid: EXTENSION_OID.certificateTemplateInformation, critical: false, value: encodeSequence(...parts) };
}

function crlInteger(n: bigint | number, what: string): Uint8Array {
  const v = BigInt(n);
  if (v < 0n) throw new X509ArgumentError(`${what} must be non-negative`);
  // RFC 5280 §5.2.3: at most 20 octets.
  if (integerContents(v).length > 20) throw new X509ArgumentError(`${what} exceeds 20 octets`);
  return encodeInteger(v);
}

/** cRLNumber (2.5.29.20), non-critical. */
export function crlNumber(n: bigint | number): X509Extension {
  return { oid: EXTENSION_OID.crlNumber, critical: false, value: crlInteger(n, 'crlNumber') };
}

/** deltaCRLIndicator (2.5.29.27): the base CRL number this delta builds on; critical per RFC 5280 §5.2.4. */
export function deltaCrlIndicator(baseCrlNumber: bigint | number): X509Extension {
  return {
    oid: EXTENSION_OID.deltaCrlIndicator,
    critical: true,
    value: crlInteger(baseCrlNumber, 'deltaCrlIndicator'),
  };
}

/** CRL entry reasonCode (2.5.29.21) as ENUMERATED; 7 is unassigned and rejected. */
export function cRLReason(code: number): X509Extension {
  if (!Number.isInteger(code) || code < 0 || code > 10 || code === 7) {
    throw new X509ArgumentError(`cRLReason: invalid reason code ${code}`);
  }
  return { oid: EXTENSION_OID.crlReason, critical: false, value: encodeTlv(TAG_ENUMERATED, Uint8Array.of(code)) };
}

/** Extensions of a DER certificate, in certificate order (empty for v1/v2 certificates). */
export function decodeExtensionsOfCertificate(der: Uint8Array): X509Extension[] {
  try {
    const cert = readSingleElement(der, 'certificate');
    const tbs = cert.tag === TAG_SEQUENCE ? readChildren(cert.contents)[0] : undefined;
    if (!tbs || tbs.tag !== TAG_SEQUENCE) throw new X509ParseError('expected SEQUENCE { TBSCertificate, ... }');
    const explicit = readChildren(tbs.contents).find((el) => el.tag === 0xa3);
    return explicit ? decodeExtensions(explicit.contents) : [];
  } catch (err) {
    throw new X509ParseError(`not a DER X.509 certificate: ${(err as Error).message}`);
  }
}

/** The first extension with `oid`, or undefined. */
export function findExtension(extensions: readonly X509Extension[], oid: string): X509Extension | undefined {
  return extensions.find((e) => e.oid === oid);
}

/** Rejects duplicate OIDs (RFC 5280 §4.2: at most one instance of an extension). */
export function assertUniqueExtensions(extensions: readonly X509Extension[], what: string): void {
  const seen = new Set<string>();
  for (const e of extensions) {
    if (seen.has(e.oid)) throw new X509ArgumentError(`${what}: extension ${e.oid} appears more than once`);
    seen.add(e.oid);
  }
}

/** DER `Extensions ::= SEQUENCE SIZE (1..MAX) OF Extension`; checks uniqueness and that each value is one DER element. */
export function encodeExtensions(extensions: readonly X509Extension[], what: string): Uint8Array {
  if (extensions.length === 0) throw new X509ArgumentError(`${what}: Extensions must not be empty`);
  assertUniqueExtensions(extensions, what);
  return encodeSequence(
    ...extensions.map((e) => {
      // An extension object built once (the CA's fixed ones) is checked and encoded once.
      const known = _encodedExtensions.get(e);
      if (known && known.oid === e.oid && known.value === e.value && known.critical === e.critical) return known.der;
      try {
        readSingleElement(e.value, `extension ${e.oid}`);
      } catch (err) {
        throw new X509ArgumentError(
          `${what}: value of extension ${e.oid} is not a single DER element (${(err as Error).message})`,
        );
      }
      const der = encodeSequence(
        encodeOid(e.oid),
        // DEFAULT FALSE must be omitted in DER.
        ...(e.critical ? [Uint8Array.of(TAG_BOOLEAN, 1, 0xff)] : []),
        encodeTlv(TAG_OCTET_STRING, e.value),
      );
      _encodedExtensions.set(e, { oid: e.oid, value: e.value, critical: e.critical, der });
      return der;
    }),
  );
}

/** Encoded extensions by object, remembering what they were encoded from (a changed object is encoded anew). */
const _encodedExtensions = new WeakMap<
  X509Extension,
  { oid: string; value: Uint8Array; critical: boolean; der: Uint8Array }
>();

/** Decodes DER `Extensions` (SEQUENCE OF Extension) into plain objects. */
export function decodeExtensions(der: Uint8Array): X509Extension[] {
  const seq = readSingleElement(der, 'Extensions');
  if (seq.tag !== TAG_SEQUENCE) throw new X509ParseError('Extensions: expected a SEQUENCE');
  return readChildren(seq.contents).map((ext) => {
    const parts = ext.tag === TAG_SEQUENCE ? readChildren(ext.contents) : [];
    const [oidEl, second, third] = parts;
    if (!oidEl || oidEl.tag !== TAG_OID || !second) throw new X509ParseError('Extension: malformed');
    let critical = false;
    let valueEl = second;
    if (second.tag === TAG_BOOLEAN) {
      if (!third) throw new X509ParseError('Extension: missing extnValue');
      critical = second.contents[0] !== 0;
      valueEl = third;
    } else if (third) {
      throw new X509ParseError('Extension: unexpected element');
    }
    if (valueEl.tag !== TAG_OCTET_STRING) throw new X509ParseError('Extension: extnValue is not an OCTET STRING');
    return { oid: decodeOid(oidEl.contents), critical, value: valueEl.contents.slice() };
  });
}
