import type { RequestAttribute } from './certification-request';
import { encodeSequence, encodeTlv, readChildren, readSingleElement, TAG_BMP_STRING } from './der';

/** `szOID_ENROLLMENT_NAME_VALUE_PAIR`: the request attributes certreq's `[RequestAttributes]` writes into a request. */
export const OID_ENROLLMENT_NAME_VALUE_PAIR = '1.3.6.1.4.1.311.13.2.1';

/**
 * One request attribute as certreq puts it in a PKCS#10 request:
 * `EnrollmentNameValuePair ::= SEQUENCE { name BMPString, value BMPString }`.
 */
export function enrollmentNameValuePair(name: string, value: string): { oid: string; values: Uint8Array[] } {
  return { oid: OID_ENROLLMENT_NAME_VALUE_PAIR, values: [encodeSequence(_bmp(name), _bmp(value))] };
}

/** The name-value pairs of a request's attributes (`CertificateTemplate`, …), in order; malformed ones are skipped. */
export function readEnrollmentNameValuePairs(attributes: readonly RequestAttribute[]): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  for (const attribute of attributes) {
    if (attribute.oid !== OID_ENROLLMENT_NAME_VALUE_PAIR) continue;
    for (const value of attribute.values) {
      try {
        const [name, text] = readChildren(readSingleElement(value, 'EnrollmentNameValuePair').contents);
        if (name?.tag === TAG_BMP_STRING && text?.tag === TAG_BMP_STRING)
          pairs.push([_text(name.contents), _text(text.contents)]);
      } catch {
        // Not a pair: ignored, as AD CS ignores what it cannot read there.
      }
    }
  }
  return pairs;
}

function _bmp(text: string): Uint8Array {
  const bytes = Buffer.alloc(text.length * 2);
  for (let i = 0; i < text.length; i++) bytes.writeUInt16BE(text.charCodeAt(i), i * 2);
  return encodeTlv(TAG_BMP_STRING, bytes);
}

function _text(contents: Uint8Array): string {
  let out = '';
  for (let i = 0; i + 1 < contents.length; i += 2) out += String.fromCharCode((contents[i]! << 8) | contents[i + 1]!);
  return out;
}
