/**
 * The rules a subject attribute value must meet before the CA signs it: a character string type whose bytes are
 * valid for that type (X.680 repertoires; UTF-8 and UCS-2 strictly decoded), no control characters, not empty, and
 * no longer than RFC 5280's upper bounds (Appendix A.1, in characters).
 */
import type { CertificateContentFault } from './certificate-content-error';
import {
  TAG_BMP_STRING,
  TAG_IA5_STRING,
  TAG_NUMERIC_STRING,
  TAG_PRINTABLE_STRING,
  TAG_TELETEX_STRING,
  TAG_UNIVERSAL_STRING,
  TAG_UTF8_STRING,
  TAG_VISIBLE_STRING,
} from './der';
import { NAME_OID } from './distinguished-name';
import { dnsLabelFault, emailAddressFault } from './general-name-rules';

/**
 * The longest value certexit signs for an attribute type without an RFC 5280 bound of its own (or with the
 * 32,768 of `ub-name`): enough for any real name, small enough that a subject stays a few kilobytes.
 */
export const DEFAULT_NAME_VALUE_BOUND = 1024;

/** RFC 5280 Appendix A.1 upper bounds (characters), and X.520's for the few it leaves out. */
const _UPPER_BOUNDS: Readonly<Record<string, number>> = {
  [NAME_OID.commonName]: 64, // ub-common-name
  [NAME_OID.deviceSerialNumber]: 64, // ub-serial-number
  [NAME_OID.country]: 2, // ub-country-name-alpha-length
  [NAME_OID.locality]: 128, // ub-locality-name
  [NAME_OID.stateOrProvince]: 128, // ub-state-name
  [NAME_OID.streetAddress]: 128, // X.520 ub-street-address
  [NAME_OID.organization]: 64, // ub-organization-name
  [NAME_OID.organizationalUnit]: 64, // ub-organizational-unit-name
  [NAME_OID.title]: 64, // ub-title
  [NAME_OID.description]: 1024, // X.520 ub-description
  [NAME_OID.postalCode]: 40, // X.520 ub-postal-code
  '2.5.4.65': 128, // ub-pseudonym
  [NAME_OID.userId]: 256, // RFC 4519 leaves it open; X.520 ub-user-identifier
  [NAME_OID.domainComponent]: 63, // one DNS label
  [NAME_OID.email]: 255, // ub-emailaddress-length
};

/** The upper bound of an attribute type, in characters. */
export function nameValueBound(oid: string): number {
  return _UPPER_BOUNDS[oid] ?? DEFAULT_NAME_VALUE_BOUND;
}

/** A value that broke a rule: the fault and a sentence naming it. */
export interface NameValueProblem {
  fault: CertificateContentFault;
  reason: string;
}

// C0, DEL, C1, and the Unicode line and paragraph separators: they break logs, mail headers and line-based tools.
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
const _CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/** The first control character of `text` as `U+XXXX`, if any. */
export function controlCharacterIn(text: string): string | undefined {
  const found = _CONTROL.exec(text);
  return found ? `U+${found[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}` : undefined;
}

const _PRINTABLE = /^[A-Za-z0-9 '()+,\-./:=?]*$/;
const _NUMERIC = /^[0-9 ]*$/;
const _UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const _LATIN1 = new TextDecoder('latin1');

/**
 * Decodes a character string value strictly: a UTF8String must be valid UTF-8 (no overlong forms, no surrogates),
 * a BMPString UCS-2 without surrogates, a UniversalString UCS-4 code points, PrintableString, IA5String,
 * NumericString and VisibleString their X.680 repertoires. TeletexString is read as Latin-1, as Windows does.
 */
export function decodeNameValue(tag: number, contents: Uint8Array): { text: string } | NameValueProblem {
  switch (tag) {
    case TAG_UTF8_STRING:
      try {
        return { text: _UTF8.decode(contents) };
      } catch {
        return { fault: 'invalid-utf8-string', reason: 'is a UTF8String that is not valid UTF-8' };
      }
    case TAG_BMP_STRING: {
      if (contents.length % 2 !== 0) return { fault: 'invalid-bmp-string', reason: 'is a BMPString of odd length' };
      let text = '';
      for (let i = 0; i < contents.length; i += 2) {
        const unit = (contents[i]! << 8) | contents[i + 1]!;
        if (unit >= 0xd800 && unit <= 0xdfff)
          return { fault: 'invalid-bmp-string', reason: 'is a BMPString holding a surrogate (UCS-2 has none)' };
        text += String.fromCharCode(unit);
      }
      return { text };
    }
    case TAG_UNIVERSAL_STRING: {
      if (contents.length % 4 !== 0)
        return {
          fault: 'invalid-universal-string',
          reason: 'is a UniversalString whose length is not a multiple of 4',
        };
      let text = '';
      for (let i = 0; i < contents.length; i += 4) {
        const cp = ((contents[i]! << 24) | (contents[i + 1]! << 16) | (contents[i + 2]! << 8) | contents[i + 3]!) >>> 0;
        if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
          return { fault: 'invalid-universal-string', reason: 'is a UniversalString holding an invalid code point' };
        text += String.fromCodePoint(cp);
      }
      return { text };
    }
    case TAG_PRINTABLE_STRING: {
      const text = _LATIN1.decode(contents);
      return _PRINTABLE.test(text)
        ? { text }
        : { fault: 'invalid-printable-string', reason: 'is a PrintableString with a character outside its set' };
    }
    case TAG_IA5_STRING: {
      const text = _LATIN1.decode(contents);
      // biome-ignore lint/suspicious/noControlCharactersInRegex: IA5 is exactly 0x00-0x7f.
      return /^[\u0000-\u007f]*$/.test(text)
        ? { text }
        : { fault: 'invalid-ia5-string', reason: 'is an IA5String with a character outside 7-bit ASCII' };
    }
    case TAG_NUMERIC_STRING: {
      const text = _LATIN1.decode(contents);
      return _NUMERIC.test(text)
        ? { text }
        : {
            fault: 'invalid-numeric-string',
            reason: 'is a NumericString with a character other than digits and space',
          };
    }
    case TAG_VISIBLE_STRING: {
      const text = _LATIN1.decode(contents);
      return /^[\u0020-\u007e]*$/.test(text)
        ? { text }
        : { fault: 'invalid-visible-string', reason: 'is a VisibleString with a character outside 0x20-0x7E' };
    }
    case TAG_TELETEX_STRING:
      return { text: _LATIN1.decode(contents) };
    default:
      return { fault: 'not-a-string', reason: `is not a character string (ASN.1 tag 0x${tag.toString(16)})` };
  }
}

/**
 * Checks one subject attribute value: its string type, control characters, emptiness, its upper bound and the
 * attribute's own form (a two-letter country, a DNS label for DC, a mailbox for the e-mail attribute).
 * @returns the problem, or `undefined` when the value may be signed
 */
export function nameValueProblem(oid: string, tag: number, contents: Uint8Array): NameValueProblem | undefined {
  const decoded = decodeNameValue(tag, contents);
  if ('fault' in decoded) return decoded;
  const { text } = decoded;
  if (text.length === 0) return { fault: 'empty-value', reason: 'is empty' };
  const control = controlCharacterIn(text);
  if (control) return { fault: 'control-character', reason: `holds the control character ${control}` };
  const bound = nameValueBound(oid);
  const length = [...text].length;
  if (length > bound) return { fault: 'too-long', reason: `has ${length} characters, more than the bound of ${bound}` };
  if (oid === NAME_OID.country && (tag !== TAG_PRINTABLE_STRING || !/^[A-Za-z]{2}$/.test(text)))
    return { fault: 'invalid-printable-string', reason: 'is not a two-letter country code in a PrintableString' };
  if (oid === NAME_OID.deviceSerialNumber && tag !== TAG_PRINTABLE_STRING)
    return { fault: 'invalid-printable-string', reason: 'is a serial number that is not a PrintableString' };
  if (oid === NAME_OID.domainComponent) {
    if (tag !== TAG_IA5_STRING) return { fault: 'invalid-ia5-string', reason: 'is a DC that is not an IA5String' };
    const fault = dnsLabelFault(text);
    if (fault) return { fault: 'invalid-name', reason: `is a DC that ${fault}` };
  }
  if (oid === NAME_OID.email) {
    if (tag !== TAG_IA5_STRING)
      return { fault: 'invalid-ia5-string', reason: 'is an e-mail address that is not an IA5String' };
    const fault = emailAddressFault(text);
    if (fault) return { fault: 'invalid-name', reason: `is an e-mail address that ${fault}` };
  }
  return undefined;
}
