/**
 * The last gate before the CA signs: every certificate, whatever template, request or directory its parts came
 * from, passes through {@link checkCertificateContent}. It refuses what strict parsers (OpenSSL, Python
 * `cryptography`) cannot read and what would mislead a relying party: DER that is not strict, strings invalid for
 * their type, control characters, values over RFC 5280's bounds, malformed or wildcard-abusing DNS names, bad UPNs
 * and e-mail addresses, unknown critical extensions, oversized certificates.
 */
import { CertificateContentError } from './certificate-content-error';
import {
  decodeOid,
  readChildren,
  readSingleElement,
  TAG_BIT_STRING,
  TAG_BOOLEAN,
  TAG_IA5_STRING,
  TAG_INTEGER,
  TAG_OCTET_STRING,
  TAG_OID,
  TAG_SEQUENCE,
  TAG_SET,
  TAG_UTF8_STRING,
} from './der';
import type { X509Extension } from './extensions';
import { EXTENSION_OID } from './extensions';
import { dnsNameFault, emailAddressFault, upnFault, uriFault } from './general-name-rules';
import type { GeneralNameEntry } from './general-names';
import { decodeGeneralNames } from './general-names';
import { controlCharacterIn, decodeNameValue, nameValueProblem } from './name-value-rules';
import { assertStrictDer } from './strict-der';

/** The largest certificate the CA signs: far above any real one (a few kilobytes), far below a request's 64 KiB. */
export const MAX_CERTIFICATE_BYTES = 32 * 1024;
/** Attribute values in one name (subject or directoryName). */
export const MAX_NAME_VALUES = 64;
/** Names in one subjectAltName. */
export const MAX_ALT_NAMES = 256;

/**
 * Extensions the CA understands, so may carry critical. An unknown critical extension would make every relying
 * party that does not know it refuse the certificate (RFC 5280 §4.2), and one that does know it act on what the
 * requester wrote.
 */
const _UNDERSTOOD = new Set<string>([
  EXTENSION_OID.subjectKeyIdentifier,
  EXTENSION_OID.keyUsage,
  EXTENSION_OID.subjectAltName,
  EXTENSION_OID.basicConstraints,
  EXTENSION_OID.crlDistributionPoints,
  EXTENSION_OID.certificatePolicies,
  EXTENSION_OID.authorityKeyIdentifier,
  EXTENSION_OID.extendedKeyUsage,
  EXTENSION_OID.freshestCrl,
  EXTENSION_OID.authorityInfoAccess,
]);

/** What {@link checkCertificateContent} looks at: the parts of a TBSCertificate that vary per certificate. */
export interface CertificateContent {
  subjectDer: Uint8Array;
  subjectPublicKeyInfo: Uint8Array;
  extensions: readonly X509Extension[];
  /** The encoded TBSCertificate's size, when known. */
  tbsLength?: number;
}

/**
 * Checks a certificate's content before it is signed; throws a {@link CertificateContentError} naming the part,
 * the fault and the offending value. Extensions in `trusted` (the CA's own, built from checked configuration and
 * checked once when built) are checked for strict DER only.
 */
export function checkCertificateContent(
  content: CertificateContent,
  options: { trusted?: ReadonlySet<X509Extension> } = {},
): void {
  // The subject first: a value over its bound says more than the size it makes.
  const subjectValues = checkName(content.subjectDer, 'subject', 'subject');
  if (content.tbsLength !== undefined && content.tbsLength > MAX_CERTIFICATE_BYTES) {
    throw new CertificateContentError(
      'too-large',
      'certificate',
      `the certificate would be ${content.tbsLength} bytes, more than the limit of ${MAX_CERTIFICATE_BYTES}`,
    );
  }
  _strict(content.subjectPublicKeyInfo, 'publicKey', 'the public key');
  const seen = new Set<string>();
  let san: X509Extension | undefined;
  for (const extension of content.extensions) {
    if (seen.has(extension.oid))
      throw new CertificateContentError('malformed', 'extension', `extension ${extension.oid} appears twice`);
    seen.add(extension.oid);
    _strict(extension.value, 'extension', `extension ${extension.oid}`);
    if (options.trusted?.has(extension)) continue;
    if (extension.critical && !_UNDERSTOOD.has(extension.oid)) {
      throw new CertificateContentError(
        'unknown-critical-extension',
        'extension',
        `extension ${extension.oid} is critical and not one the CA understands`,
      );
    }
    if (extension.oid === EXTENSION_OID.subjectAltName) {
      san = extension;
      checkGeneralNames(extension.value, 'subjectAltName');
    } else {
      _checkKnownExtension(extension);
    }
  }
  if (subjectValues === 0) {
    if (!san)
      throw new CertificateContentError(
        'empty-subject',
        'subject',
        'the subject is empty and there is no subject alternative name',
      );
    if (!san.critical)
      throw new CertificateContentError(
        'malformed',
        'subjectAltName',
        'the subject is empty, so the subject alternative name must be critical (RFC 5280 §4.2.1.6)',
      );
  }
}

/**
 * Checks a Name (strict DER, at most {@link MAX_NAME_VALUES} values, each valid for its type and bound).
 * @returns how many attribute values it holds
 */
export function checkName(der: Uint8Array, part: 'subject' | 'subjectAltName', what: string): number {
  _strict(der, part, what);
  const name = readSingleElement(der, what);
  if (name.tag !== TAG_SEQUENCE) throw new CertificateContentError('malformed', part, `${what} is not a SEQUENCE`);
  let count = 0;
  for (const rdn of readChildren(name.contents)) {
    const avas = rdn.tag === TAG_SET ? readChildren(rdn.contents) : [];
    if (avas.length === 0) throw new CertificateContentError('malformed', part, `${what} has an empty or non-SET RDN`);
    for (const ava of avas) {
      const [type, value, extra] = ava.tag === TAG_SEQUENCE ? readChildren(ava.contents) : [];
      if (!type || type.tag !== TAG_OID || !value || extra)
        throw new CertificateContentError('malformed', part, `${what} has a malformed AttributeTypeAndValue`);
      if (++count > MAX_NAME_VALUES)
        throw new CertificateContentError(
          'too-many-values',
          part,
          `${what} has more than ${MAX_NAME_VALUES} attribute values`,
        );
      const oid = decodeOid(type.contents);
      const problem = nameValueProblem(oid, value.tag, value.contents);
      if (problem) throw new CertificateContentError(problem.fault, part, `${what} attribute ${oid} ${problem.reason}`);
    }
  }
  return count;
}

/** Checks the DER of a GeneralNames: each name well-formed for its form; x400Address and ediPartyName refused. */
export function checkGeneralNames(der: Uint8Array, what: string): void {
  let names: GeneralNameEntry[];
  try {
    names = decodeGeneralNames(der);
  } catch (error) {
    throw new CertificateContentError('malformed', 'subjectAltName', `${what}: ${(error as Error).message}`);
  }
  if (names.length === 0) throw new CertificateContentError('malformed', 'subjectAltName', `${what} is empty`);
  if (names.length > MAX_ALT_NAMES)
    throw new CertificateContentError(
      'too-many-values',
      'subjectAltName',
      `${what} has ${names.length} names (at most ${MAX_ALT_NAMES})`,
    );
  for (const name of names) _checkGeneralName(name, what);
}

function _checkGeneralName(name: GeneralNameEntry, what: string): void {
  const fail = (fault: 'invalid-name' | 'wildcard' | 'control-character' | 'invalid-ia5-string', text: string) => {
    throw new CertificateContentError(fault, 'subjectAltName', `${what}: ${text}`);
  };
  switch (name.kind) {
    case 'dns':
    case 'email':
    case 'uri': {
      const label = { dns: 'dNSName', email: 'rfc822Name', uri: 'URI' }[name.kind];
      // biome-ignore lint/suspicious/noControlCharactersInRegex: IA5 is exactly 0x00-0x7f.
      if (!/^[\u0000-\u007f]*$/.test(name.value)) fail('invalid-ia5-string', `the ${label} is not 7-bit ASCII`);
      const control = controlCharacterIn(name.value);
      if (control) fail('control-character', `the ${label} ${JSON.stringify(name.value)} holds ${control}`);
      const fault =
        name.kind === 'dns'
          ? dnsNameFault(name.value, { wildcard: true })
          : name.kind === 'email'
            ? emailAddressFault(name.value)
            : uriFault(name.value);
      if (fault)
        fail(
          /wildcard/.test(fault) ? 'wildcard' : 'invalid-name',
          `the ${label} ${JSON.stringify(name.value)} ${fault}`,
        );
      return;
    }
    case 'ip':
      if (name.bytes.length !== 4 && name.bytes.length !== 16)
        fail('invalid-name', `an iPAddress of ${name.bytes.length} bytes (4 or 16)`);
      return;
    case 'upn':
    case 'smtpUtf8Mailbox': {
      const label = name.kind === 'upn' ? 'user principal name' : 'SmtpUTF8Mailbox';
      if (name.valueTag !== TAG_UTF8_STRING) fail('invalid-name', `the ${label} is not a UTF8String`);
      const decoded = decodeNameValue(TAG_UTF8_STRING, name.value);
      if ('fault' in decoded) fail('invalid-name', `the ${label} ${decoded.reason}`);
      const text = (decoded as { text: string }).text;
      const control = controlCharacterIn(text);
      if (control) fail('control-character', `the ${label} ${JSON.stringify(text)} holds ${control}`);
      // An SmtpUTF8Mailbox may have a non-ASCII local part; its shape is judged as the ASCII address it stands for.
      const fault = name.kind === 'upn' ? upnFault(text) : emailAddressFault(text.replace(/[^ -~]/g, 'x'));
      if (fault) fail('invalid-name', `the ${label} ${JSON.stringify(text)} ${fault}`);
      return;
    }
    case 'guid':
      if (name.valueTag !== TAG_OCTET_STRING || name.value.length !== 16)
        fail('invalid-name', 'a directory GUID that is not a 16-byte OCTET STRING');
      return;
    case 'directoryName':
      checkName(name.name, 'subjectAltName', `${what} directoryName`);
      return;
    case 'registeredId':
      return;
    case 'otherName':
      fail('invalid-name', `an otherName of type ${name.typeId}, which the CA does not issue`);
      return;
    default:
      fail('invalid-name', `a ${name.kind}, which the CA does not issue`);
  }
}

/** The structures of the extensions whose meaning relying parties act on, checked beyond strict DER. */
function _checkKnownExtension(extension: X509Extension): void {
  const value = readSingleElement(extension.value, extension.oid);
  const bad = (text: string) => {
    throw new CertificateContentError('malformed', 'extension', `extension ${extension.oid} ${text}`);
  };
  switch (extension.oid) {
    case EXTENSION_OID.basicConstraints: {
      if (value.tag !== TAG_SEQUENCE) bad('is not a SEQUENCE');
      const [first, second, extra] = readChildren(value.contents);
      if (extra) bad('has more than cA and pathLenConstraint');
      if (first?.tag === TAG_BOOLEAN && first.contents[0] !== 0xff) bad('encodes the DEFAULT FALSE cA');
      const pathLen = first?.tag === TAG_INTEGER ? first : second;
      if (pathLen && (pathLen.tag !== TAG_INTEGER || (pathLen.contents[0]! & 0x80) !== 0))
        bad('has a pathLenConstraint that is not a non-negative INTEGER');
      return;
    }
    case EXTENSION_OID.keyUsage:
      if (value.tag !== TAG_BIT_STRING) bad('is not a BIT STRING');
      return;
    case EXTENSION_OID.extendedKeyUsage: {
      const oids = value.tag === TAG_SEQUENCE ? readChildren(value.contents) : [];
      if (oids.length === 0 || oids.some((o) => o.tag !== TAG_OID))
        bad('is not a non-empty SEQUENCE OF OBJECT IDENTIFIER');
      return;
    }
    case EXTENSION_OID.subjectKeyIdentifier:
      if (value.tag !== TAG_OCTET_STRING) bad('is not an OCTET STRING');
      return;
    case '2.5.29.18': // issuerAltName
      checkGeneralNames(extension.value, 'issuerAltName');
      return;
    default:
      if (value.tag === TAG_IA5_STRING) {
        const control = controlCharacterIn(new TextDecoder('latin1').decode(value.contents));
        if (control)
          throw new CertificateContentError(
            'control-character',
            'extension',
            `extension ${extension.oid} holds ${control}`,
          );
      }
  }
}

function _strict(der: Uint8Array, part: 'subject' | 'subjectAltName' | 'extension' | 'publicKey', what: string): void {
  try {
    assertStrictDer(der, what);
  } catch (error) {
    throw new CertificateContentError('malformed', part, (error as Error).message);
  }
}
