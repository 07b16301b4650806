/**
 * PKCS#10 requests with whatever subject bytes and extension bytes a test needs, well signed: what an attacker
 * with a requester token sends (invalid UTF-8, surrogates, NULs, CRLF, trailing bytes, non-GeneralNames SANs).
 */
import { createCertificationRequest, generateKeyPair, OID_EXTENSION_REQUEST, toPem } from '@certexit/x509';
import {
  concatBytes,
  encodeOid,
  encodeSequence,
  encodeTlv,
  TAG_OCTET_STRING,
  TAG_SET,
} from '../../../../tooling/test/der-builder';

/** One extension as raw bytes: `value` goes into extnValue unchecked. */
export interface RawExtension {
  oid: string;
  critical?: boolean;
  value: Uint8Array;
}

/** A Name of one RDN per `[oid, tag, contents]`, in DER order (least specific first). */
export function rawName(...values: Array<[string, number, Uint8Array | string]>): Uint8Array {
  return encodeSequence(
    ...values.map(([oid, tag, contents]) =>
      encodeTlv(
        TAG_SET,
        encodeSequence(
          encodeOid(oid),
          encodeTlv(tag, typeof contents === 'string' ? new TextEncoder().encode(contents) : contents),
        ),
      ),
    ),
  );
}

/** A signed PEM request (EC P-256, a new key) with `subject` (DER) and `extensions` (raw). */
export async function craftedRequest(subject: Uint8Array, extensions: readonly RawExtension[] = []): Promise<string> {
  const keyPair = await generateKeyPair('ECDSA_P256');
  const encoded = extensions.map((e) =>
    encodeSequence(
      encodeOid(e.oid),
      ...(e.critical ? [Uint8Array.of(0x01, 0x01, 0xff)] : []),
      encodeTlv(TAG_OCTET_STRING, e.value),
    ),
  );
  const der = await createCertificationRequest({
    keyPair,
    keyAlgorithm: 'ECDSA_P256',
    subject,
    attributes: encoded.length ? [{ oid: OID_EXTENSION_REQUEST, values: [encodeSequence(...encoded)] }] : [],
  });
  return toPem(der, 'CERTIFICATE REQUEST');
}

/** The DER of GeneralNames from raw GeneralName encodings, e.g. `encodeTlv(0x82, bytes)` for a dNSName. */
export function rawGeneralNames(...names: Uint8Array[]): Uint8Array {
  return encodeSequence(...names);
}

/** An otherName UPN holding `text` as a UTF8String, unchecked. */
export function rawUpn(text: string): Uint8Array {
  return encodeTlv(
    0xa0,
    concatBytes(encodeOid('1.3.6.1.4.1.311.20.2.3'), encodeTlv(0xa0, encodeTlv(0x0c, new TextEncoder().encode(text)))),
  );
}
