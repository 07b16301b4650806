/**
 * A certificate described as Windows' certificate dialog shows it: the General tab's summary, and the Details
 * tab's fields with extensions decoded by name. The console's certificate view and a `dump` verb can share it.
 */
import { createHash } from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import type { GeneralName } from '@peculiar/asn1-x509';
import {
  AuthorityInfoAccessSyntax,
  AuthorityKeyIdentifier,
  BasicConstraints,
  CertificatePolicies,
  CRLDistributionPoints,
  ExtendedKeyUsage,
  KeyUsage,
} from '@peculiar/asn1-x509';
import type { CertificateInfo } from './certificate-info';
import { parseCertificate } from './certificate-info';
import { bytesToHex, decodeOid, readChildren, readSingleElement, TAG_OID, TAG_SEQUENCE } from './der';
import { nameAttributeValues, nameToString } from './distinguished-name';
import type { X509Extension } from './extensions';
import { EXTENSION_OID } from './extensions';
import {
  EC_CURVES,
  OID_EC_PUBLIC_KEY,
  OID_ED448,
  OID_ED25519,
  OID_RSA_ENCRYPTION,
  OID_RSASSA_PSS,
} from './public-key-info';
import { readCertificateTemplate, readSubjectAltName } from './read-extension-values';

/** One row of the Details tab: a field or an extension, its short value and its full text. */
export interface CertificateField {
  /** `Version`, `Serial number`, …, or the extension's friendly name (its OID when it has none). */
  readonly name: string;
  /** One line, as the list shows it. */
  readonly value: string;
  /** The full text, one item a line, as the box under the list shows it. */
  readonly detail: string;
  /** For extensions: the OID and whether it is critical. */
  readonly oid?: string;
  readonly critical?: boolean;
}

/** What the certificate dialog shows. */
export interface CertificateDescription {
  /** General tab: the purposes (EKU names; `All application policies` without an EKU), issued to and by, validity. */
  readonly purposes: string[];
  readonly issuedTo: string;
  readonly issuedBy: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly subject: string;
  readonly issuer: string;
  readonly serialNumber: string;
  /** Lowercase hex. */
  readonly sha1Thumbprint: string;
  readonly sha256Thumbprint: string;
  readonly isCa: boolean;
  /** Details tab, in Windows' order: the fields, the extensions as they appear, then the thumbprint. */
  readonly fields: CertificateField[];
}

/** Friendly names of object identifiers, as Windows shows them. */
export const OID_NAMES: Readonly<Record<string, string>> = {
  // Signature algorithms.
  '1.2.840.113549.1.1.5': 'sha1RSA',
  '1.2.840.113549.1.1.11': 'sha256RSA',
  '1.2.840.113549.1.1.12': 'sha384RSA',
  '1.2.840.113549.1.1.13': 'sha512RSA',
  '1.2.840.113549.1.1.10': 'RSASSA-PSS',
  '1.2.840.10045.4.3.2': 'sha256ECDSA',
  '1.2.840.10045.4.3.3': 'sha384ECDSA',
  '1.2.840.10045.4.3.4': 'sha512ECDSA',
  '1.3.101.112': 'Ed25519',
  '1.3.101.113': 'Ed448',
  // Extensions.
  [EXTENSION_OID.subjectKeyIdentifier]: 'Subject Key Identifier',
  [EXTENSION_OID.keyUsage]: 'Key Usage',
  [EXTENSION_OID.subjectAltName]: 'Subject Alternative Name',
  [EXTENSION_OID.basicConstraints]: 'Basic Constraints',
  [EXTENSION_OID.crlDistributionPoints]: 'CRL Distribution Points',
  [EXTENSION_OID.certificatePolicies]: 'Certificate Policies',
  [EXTENSION_OID.authorityKeyIdentifier]: 'Authority Key Identifier',
  [EXTENSION_OID.extendedKeyUsage]: 'Enhanced Key Usage',
  [EXTENSION_OID.freshestCrl]: 'Freshest CRL',
  [EXTENSION_OID.authorityInfoAccess]: 'Authority Information Access',
  [EXTENSION_OID.caVersion]: 'CA Version',
  '1.3.6.1.4.1.311.21.2': 'Previous CA Certificate Hash',
  [EXTENSION_OID.certificateTemplateName]: 'Certificate Template Name',
  [EXTENSION_OID.certificateTemplateInformation]: 'Certificate Template Information',
  '1.3.6.1.4.1.311.21.10': 'Application Policies',
  '1.3.6.1.4.1.311.25.2': 'NTDS CA Security Extension',
  '1.2.840.113549.1.9.15': 'SMIME Capabilities',
  // Key purposes.
  '1.3.6.1.5.5.7.3.1': 'Server Authentication',
  '1.3.6.1.5.5.7.3.2': 'Client Authentication',
  '1.3.6.1.5.5.7.3.3': 'Code Signing',
  '1.3.6.1.5.5.7.3.4': 'Secure Email',
  '1.3.6.1.5.5.7.3.8': 'Time Stamping',
  '1.3.6.1.5.5.7.3.9': 'OCSP Signing',
  '1.3.6.1.4.1.311.10.3.4': 'Encrypting File System',
  '1.3.6.1.4.1.311.10.3.4.1': 'File Recovery',
  '1.3.6.1.4.1.311.10.3.12': 'Document Signing',
  '1.3.6.1.4.1.311.20.2.2': 'Smart Card Logon',
  '1.3.6.1.4.1.311.20.2.1': 'Certificate Request Agent',
  '1.3.6.1.4.1.311.21.5': 'Private Key Archival',
  '1.3.6.1.4.1.311.21.6': 'Key Recovery Agent',
  '1.3.6.1.5.2.3.5': 'KDC Authentication',
  '1.3.6.1.5.5.8.2.2': 'IP security IKE intermediate',
  '2.5.29.37.0': 'Any Purpose',
  '2.5.29.32.0': 'All Issuance Policies',
  // Access methods.
  '1.3.6.1.5.5.7.48.1': 'On-line Certificate Status Protocol',
  '1.3.6.1.5.5.7.48.2': 'Certification Authority Issuer',
};

const _KEY_USAGES: ReadonlyArray<[number, string]> = [
  [0x1, 'Digital Signature'],
  [0x2, 'Non-Repudiation'],
  [0x4, 'Key Encipherment'],
  [0x8, 'Data Encipherment'],
  [0x10, 'Key Agreement'],
  [0x20, 'Certificate Signing'],
  [0x40, 'Off-line CRL Signing, CRL Signing'],
  [0x80, 'Encipher Only'],
  [0x100, 'Decipher Only'],
];

/** A name for an OID: the friendly one followed by the OID, as Windows writes `Server Authentication (1.3.6…)`. */
export function oidDisplayName(oid: string): string {
  const name = OID_NAMES[oid];
  return name ? `${name} (${oid})` : oid;
}

/** Describes a certificate (DER or PEM) as Windows' certificate dialog shows it. */
export async function describeCertificate(
  input: Uint8Array | string | CertificateInfo,
): Promise<CertificateDescription> {
  const info = typeof input === 'string' || input instanceof Uint8Array ? await parseCertificate(input) : input;
  const extensionFields = info.extensions.map(describeExtension);
  const eku = info.extensions.find((e) => e.oid === EXTENSION_OID.extendedKeyUsage);
  const purposes = eku
    ? AsnConvert.parse(eku.value, ExtendedKeyUsage).map((oid) => OID_NAMES[oid] ?? oid)
    : ['All application policies'];
  const basic = info.extensions.find((e) => e.oid === EXTENSION_OID.basicConstraints);
  const isCa = basic ? AsnConvert.parse(basic.value, BasicConstraints).cA === true : false;
  const subject = nameToString(info.subjectDer);
  const issuer = nameToString(info.issuerDer);
  const sha256 = createHash('sha256').update(info.der).digest('hex');
  const fields: CertificateField[] = [
    { name: 'Version', value: `V${info.version}`, detail: `V${info.version}` },
    { name: 'Serial number', value: info.serialNumberHex, detail: info.serialNumberHex },
    _plain('Signature algorithm', OID_NAMES[info.signatureAlgorithmOid] ?? info.signatureAlgorithmOid),
    _plain('Signature hash algorithm', _hashOf(info.signatureAlgorithmOid)),
    { name: 'Issuer', value: _shortName(info.issuerDer) ?? issuer, detail: _nameLines(issuer) },
    _plain('Valid from', info.notBefore.toISOString()),
    _plain('Valid to', info.notAfter.toISOString()),
    { name: 'Subject', value: _shortName(info.subjectDer) ?? subject, detail: _nameLines(subject) },
    _plain('Public key', _publicKeyName(info)),
    _plain('Public key parameters', _publicKeyParameters(info)),
    ...extensionFields,
    _plain('Thumbprint', info.sha1Thumbprint),
  ];
  return {
    purposes,
    issuedTo: _commonName(info.subjectDer) ?? subject,
    issuedBy: _commonName(info.issuerDer) ?? issuer,
    notBefore: info.notBefore,
    notAfter: info.notAfter,
    subject,
    issuer,
    serialNumber: info.serialNumberHex,
    sha1Thumbprint: info.sha1Thumbprint,
    sha256Thumbprint: sha256,
    isCa,
    fields,
  };
}

function _plain(name: string, value: string): CertificateField {
  return { name, value, detail: value };
}

function _commonName(der: Uint8Array): string | undefined {
  return nameAttributeValues(der).get('2.5.4.3')?.[0];
}

/** Windows shows the most specific attributes first in the list: `CN, OU, O, C` becomes `name, unit, …`. */
function _shortName(der: Uint8Array): string | undefined {
  const values = nameAttributeValues(der);
  const parts = [...values.values()].flat().reverse();
  return parts.length > 0 ? parts.join(', ') : undefined;
}

function _nameLines(dn: string): string {
  // One RDN a line, most specific first, as the detail box shows `CN = …` lines.
  return dn
    .split(/,(?=\s*[A-Za-z0-9.]+=)/)
    .map((rdn) => rdn.trim().replace(/=/, ' = '))
    .join('\n');
}

function _hashOf(signatureOid: string): string {
  const name = OID_NAMES[signatureOid] ?? '';
  return /^(sha\d+)/i.exec(name)?.[1]?.toLowerCase() ?? (name || signatureOid);
}

function _publicKeyName(info: CertificateInfo): string {
  const oid = info.publicKeyAlgorithmOid;
  if (oid === OID_RSA_ENCRYPTION || oid === OID_RSASSA_PSS) return `RSA (${info.publicKeyLength} Bits)`;
  if (oid === OID_EC_PUBLIC_KEY) return `ECC (${info.publicKeyLength} Bits)`;
  if (oid === OID_ED25519) return 'Ed25519 (256 Bits)';
  if (oid === OID_ED448) return 'Ed448 (456 Bits)';
  return `${oid} (${info.publicKeyLength} Bits)`;
}

function _publicKeyParameters(info: CertificateInfo): string {
  if (info.publicKeyAlgorithmOid !== OID_EC_PUBLIC_KEY)
    return info.publicKeyAlgorithmOid === OID_RSA_ENCRYPTION ? '05 00' : '';
  // The curve OID is the AlgorithmIdentifier's parameters.
  const spki = readSingleElement(info.subjectPublicKeyInfo, 'SubjectPublicKeyInfo');
  const [algorithm] = readChildren(spki.contents);
  const [, curve] = algorithm ? readChildren(algorithm.contents) : [];
  const oid = curve?.tag === TAG_OID ? decodeOid(curve.contents) : '';
  const known = EC_CURVES[oid];
  return known ? `ECDSA_${known.name.replace('-', '')} (${oid})` : oid;
}

/** One extension as the Details tab shows it: its friendly name, one line, and the decoded text (dump uses it too). */
export function describeExtension(extension: X509Extension): CertificateField {
  const name = OID_NAMES[extension.oid] ?? extension.oid;
  let lines: string[];
  try {
    lines = _extensionLines(extension);
  } catch {
    lines = [];
  }
  if (lines.length === 0) lines = [_hexDump(extension.value)];
  return {
    name,
    value: lines.join(', '),
    detail: lines.join('\n'),
    oid: extension.oid,
    critical: extension.critical,
  };
}

function _extensionLines(extension: X509Extension): string[] {
  const { oid, value } = extension;
  switch (oid) {
    case EXTENSION_OID.subjectKeyIdentifier:
      return [bytesToHex(readSingleElement(value, 'subjectKeyIdentifier').contents)];
    case EXTENSION_OID.authorityKeyIdentifier: {
      const aki = AsnConvert.parse(value, AuthorityKeyIdentifier);
      return [
        ...(aki.keyIdentifier ? [`KeyID=${bytesToHex(new Uint8Array(aki.keyIdentifier.buffer))}`] : []),
        ...(aki.authorityCertIssuer ?? []).map((n) => `Certificate Issuer: ${_generalName(n)}`),
        ...(aki.authorityCertSerialNumber
          ? [`Certificate SerialNumber=${bytesToHex(new Uint8Array(aki.authorityCertSerialNumber))}`]
          : []),
      ];
    }
    case EXTENSION_OID.keyUsage: {
      const usage = AsnConvert.parse(value, KeyUsage).toNumber();
      const names = _KEY_USAGES.filter(([bit]) => usage & bit).map(([, text]) => text);
      return [`${names.join(', ')} (${usage.toString(16).padStart(2, '0')})`];
    }
    case EXTENSION_OID.extendedKeyUsage:
      return AsnConvert.parse(value, ExtendedKeyUsage).map(oidDisplayName);
    case EXTENSION_OID.subjectAltName: {
      const names = readSubjectAltName(value);
      return [
        ...(names.upn ?? []).map((n) => `Other Name: Principal Name=${n}`),
        ...(names.email ?? []).map((n) => `RFC822 Name=${n}`),
        ...(names.dns ?? []).map((n) => `DNS Name=${n}`),
        ...(names.uri ?? []).map((n) => `URL=${n}`),
        ...(names.ip ?? []).map((n) => `IP Address=${n}`),
      ];
    }
    case EXTENSION_OID.basicConstraints: {
      const basic = AsnConvert.parse(value, BasicConstraints);
      return [
        `Subject Type=${basic.cA ? 'CA' : 'End Entity'}`,
        `Path Length Constraint=${basic.pathLenConstraint ?? 'None'}`,
      ];
    }
    case EXTENSION_OID.crlDistributionPoints:
    case EXTENSION_OID.freshestCrl:
      return AsnConvert.parse(value, CRLDistributionPoints).flatMap((point, i) => [
        `[${i + 1}]CRL Distribution Point`,
        ...(point.distributionPoint?.fullName ?? []).map((n) => `     ${_generalName(n)}`),
      ]);
    case EXTENSION_OID.authorityInfoAccess:
      return AsnConvert.parse(value, AuthorityInfoAccessSyntax).flatMap((access, i) => [
        `[${i + 1}]Authority Info Access: Access Method=${oidDisplayName(access.accessMethod)}`,
        `     ${_generalName(access.accessLocation)}`,
      ]);
    case EXTENSION_OID.certificatePolicies:
      return AsnConvert.parse(value, CertificatePolicies).map(
        (policy, i) => `[${i + 1}]Certificate Policy: Policy Identifier=${oidDisplayName(policy.policyIdentifier)}`,
      );
    case EXTENSION_OID.caVersion: {
      const element = readSingleElement(value, 'CA version');
      let n = 0;
      for (const byte of element.contents) n = n * 256 + byte;
      return [`V${n & 0xffff}.${Math.floor(n / 65536)}`];
    }
    case EXTENSION_OID.certificateTemplateName:
      return [readCertificateTemplate([extension]).name ?? ''];
    case EXTENSION_OID.certificateTemplateInformation: {
      const template = readCertificateTemplate([extension]);
      return [
        `Template=${template.oid}`,
        ...(template.majorVersion !== undefined ? [`Major Version Number=${template.majorVersion}`] : []),
        ...(template.minorVersion !== undefined ? [`Minor Version Number=${template.minorVersion}`] : []),
      ];
    }
    case '1.3.6.1.4.1.311.21.10': {
      // Application policies: SEQUENCE OF SEQUENCE { policyIdentifier OID, … }, like certificate policies.
      const outer = readSingleElement(value, 'application policies');
      if (outer.tag !== TAG_SEQUENCE) return [];
      return readChildren(outer.contents).map((policy, i) => {
        const [id] = readChildren(policy.contents);
        return `[${i + 1}]Application Certificate Policy: Policy Identifier=${id?.tag === TAG_OID ? oidDisplayName(decodeOid(id.contents)) : '?'}`;
      });
    }
    default:
      return [];
  }
}

function _generalName(name: GeneralName): string {
  if (name.uniformResourceIdentifier !== undefined) return `URL=${name.uniformResourceIdentifier}`;
  if (name.dNSName !== undefined) return `DNS Name=${name.dNSName}`;
  if (name.rfc822Name !== undefined) return `RFC822 Name=${name.rfc822Name}`;
  if (name.iPAddress !== undefined) return `IP Address=${name.iPAddress}`;
  if (name.directoryName !== undefined)
    return `Directory Address: ${nameToString(new Uint8Array(AsnConvert.serialize(name.directoryName)))}`;
  if (name.registeredID !== undefined) return `Registered ID=${name.registeredID}`;
  return 'Other Name';
}

/** Bytes as Windows' detail box shows an unknown value: hex pairs, 16 a line. */
function _hexDump(bytes: Uint8Array): string {
  const lines: string[] = [];
  for (let i = 0; i < bytes.length; i += 16)
    lines.push([...bytes.subarray(i, i + 16)].map((b) => b.toString(16).padStart(2, '0')).join(' '));
  return lines.join('\n');
}
