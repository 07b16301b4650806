/**
 * Reading the values of extensions the engine records as properties (the UPN, the key identifier, the template),
 * so that no code outside this package walks DER.
 */
import {
  decodeOid,
  integerValue,
  readChildren,
  readSingleElement,
  TAG_BMP_STRING,
  TAG_IA5_STRING,
  TAG_INTEGER,
  TAG_OCTET_STRING,
  TAG_OID,
  TAG_PRINTABLE_STRING,
  TAG_SEQUENCE,
  TAG_UTF8_STRING,
} from './der';
import type { SubjectAltNames, X509Extension } from './extensions';
import { EXTENSION_OID, findExtension } from './extensions';
import { X509ParseError } from './x509-error';

/** otherName type of a Microsoft user principal name. */
export const OID_MS_UPN = '1.3.6.1.4.1.311.20.2.3';

/**
 * The names of a subjectAltName (2.5.29.17) value, by kind, as {@link subjectAltName} takes them: DNS names, e-mail
 * addresses, URIs, IP addresses (dotted IPv4, RFC 5952 IPv6) and UPNs (otherName `1.3.6.1.4.1.311.20.2.3`). Other
 * kinds of names are skipped; kinds with no name are absent.
 * @throws X509ParseError when the value is not DER `GeneralNames`.
 */
export function readSubjectAltName(extnValue: Uint8Array): SubjectAltNames {
  const names: { dns: string[]; email: string[]; uri: string[]; ip: string[]; upn: string[] } = {
    dns: [],
    email: [],
    uri: [],
    ip: [],
    upn: [],
  };
  const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  const seq = readSingleElement(extnValue, 'subjectAltName');
  if (seq.tag !== TAG_SEQUENCE) throw new X509ParseError('subjectAltName is not a SEQUENCE');
  for (const name of readChildren(seq.contents)) {
    switch (name.tag) {
      case 0xa0: {
        // otherName: [0] IMPLICIT SEQUENCE { type-id OID, value [0] EXPLICIT ANY }
        const [typeId, value] = readChildren(name.contents);
        if (!typeId || typeId.tag !== TAG_OID || !value || value.tag !== 0xa0)
          throw new X509ParseError('subjectAltName: malformed otherName');
        if (decodeOid(typeId.contents) !== OID_MS_UPN) break;
        const inner = readSingleElement(value.contents, 'UPN');
        names.upn.push(text(inner.contents));
        break;
      }
      case 0x81:
        names.email.push(text(name.contents));
        break;
      case 0x82:
        names.dns.push(text(name.contents));
        break;
      case 0x86:
        names.uri.push(text(name.contents));
        break;
      case 0x87:
        names.ip.push(_ipText(name.contents));
        break;
      default:
        break;
    }
  }
  return Object.fromEntries(Object.entries(names).filter(([, list]) => list.length > 0)) as SubjectAltNames;
}

/**
 * The key identifier of a subjectKeyIdentifier (2.5.29.14) value.
 * @throws X509ParseError when the value is not a DER OCTET STRING.
 */
export function readSubjectKeyIdentifier(extnValue: Uint8Array): Uint8Array {
  const octets = readSingleElement(extnValue, 'subjectKeyIdentifier');
  if (octets.tag !== TAG_OCTET_STRING) throw new X509ParseError('subjectKeyIdentifier is not an OCTET STRING');
  return octets.contents;
}

/** What a certificate says about the template it was issued from; absent members mean the extension is absent. */
export interface CertificateTemplateValues {
  /** The template OID of certificate template information (1.3.6.1.4.1.311.21.7), which V2+ templates stamp. */
  oid?: string;
  majorVersion?: number;
  minorVersion?: number;
  /** The certificate template name (1.3.6.1.4.1.311.20.2), which V1 templates stamp: a BMPString (UTF8, IA5 and
   * PrintableString are read too). */
  name?: string;
}

/**
 * The template extensions among `extensions`:
 *
 * ```asn1
 * CertificateTemplate ::= SEQUENCE { templateID OID, templateMajorVersion INTEGER, templateMinorVersion INTEGER OPTIONAL }
 * CertificateTemplateName ::= BMPString
 * ```
 * @throws X509ParseError when one of them is malformed.
 */
export function readCertificateTemplate(extensions: readonly X509Extension[]): CertificateTemplateValues {
  const result: CertificateTemplateValues = {};
  const information = findExtension(extensions, EXTENSION_OID.certificateTemplateInformation);
  if (information) {
    const seq = readSingleElement(information.value, 'certificate template information');
    const [id, major, minor] = seq.tag === TAG_SEQUENCE ? readChildren(seq.contents) : [];
    if (!id || id.tag !== TAG_OID) throw new X509ParseError('certificate template information has no template OID');
    result.oid = decodeOid(id.contents);
    if (major?.tag === TAG_INTEGER) result.majorVersion = Number(integerValue(major.contents));
    if (minor?.tag === TAG_INTEGER) result.minorVersion = Number(integerValue(minor.contents));
  }
  const name = findExtension(extensions, EXTENSION_OID.certificateTemplateName);
  if (name) {
    const string = readSingleElement(name.value, 'certificate template name');
    if (string.tag === TAG_BMP_STRING) {
      let text = '';
      const c = string.contents;
      for (let i = 0; i + 1 < c.length; i += 2) text += String.fromCharCode((c[i]! << 8) | c[i + 1]!);
      result.name = text;
    } else if (string.tag === TAG_UTF8_STRING || string.tag === TAG_IA5_STRING || string.tag === TAG_PRINTABLE_STRING) {
      result.name = new TextDecoder().decode(string.contents);
    } else {
      throw new X509ParseError(`the certificate template name is not a string (tag 0x${string.tag.toString(16)})`);
    }
  }
  return result;
}

/** An iPAddress as text: dotted IPv4, or IPv6 with the longest run of zero groups shortened (RFC 5952). */
function _ipText(bytes: Uint8Array): string {
  if (bytes.length === 4) return [...bytes].join('.');
  if (bytes.length !== 16) throw new X509ParseError(`subjectAltName: an iPAddress of ${bytes.length} bytes`);
  const groups = Array.from({ length: 8 }, (_, i) => ((bytes[2 * i]! << 8) | bytes[2 * i + 1]!).toString(16));
  let best = { start: -1, length: 1 };
  for (let i = 0; i < 8; ) {
    if (groups[i] !== '0') {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > best.length) best = { start: i, length: j - i };
    i = j;
  }
  if (best.start < 0) return groups.join(':');
  return `${groups.slice(0, best.start).join(':')}::${groups.slice(best.start + best.length).join(':')}`;
}
