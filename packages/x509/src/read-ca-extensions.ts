/** Reading the extensions that make a certificate a CA certificate, and AD CS's CA version. */
import {
  integerValue,
  readChildren,
  readSingleElement,
  TAG_BIT_STRING,
  TAG_BOOLEAN,
  TAG_INTEGER,
  TAG_SEQUENCE,
} from './der';
import type { KeyUsageName, X509Extension } from './extensions';
import { EXTENSION_OID, findExtension } from './extensions';
import { X509ParseError } from './x509-error';

/** What {@link readCaExtensions} finds; absent members mean the extension is absent. */
export interface CaExtensionValues {
  /** basicConstraints present and `cA` TRUE. */
  isCa: boolean;
  /** basicConstraints pathLenConstraint. */
  pathLength?: number;
  /** The keyUsage bits that are set (`nonRepudiation` for bit 1). */
  keyUsage?: KeyUsageName[];
  /** Microsoft CA Version (1.3.6.1.4.1.311.21.1): low 16 bits certificate index, high 16 bits key index. */
  caVersion?: { certIndex: number; keyIndex: number };
}

const _KEY_USAGE_NAMES: readonly KeyUsageName[] = [
  'digitalSignature',
  'nonRepudiation',
  'keyEncipherment',
  'dataEncipherment',
  'keyAgreement',
  'keyCertSign',
  'cRLSign',
  'encipherOnly',
  'decipherOnly',
];

/**
 * Decodes basicConstraints, keyUsage and the CA version of a certificate's extensions:
 *
 * ```asn1
 * BasicConstraints ::= SEQUENCE { cA BOOLEAN DEFAULT FALSE, pathLenConstraint INTEGER (0..MAX) OPTIONAL }
 * KeyUsage ::= BIT STRING
 * CAVersion ::= INTEGER  -- keyIndex << 16 | certIndex
 * ```
 * @throws X509ParseError when one of them is malformed.
 */
export function readCaExtensions(extensions: readonly X509Extension[]): CaExtensionValues {
  const result: CaExtensionValues = { isCa: false };
  const bc = findExtension(extensions, EXTENSION_OID.basicConstraints);
  if (bc) {
    const seq = readSingleElement(bc.value, 'basicConstraints');
    if (seq.tag !== TAG_SEQUENCE) throw new X509ParseError('basicConstraints is not a SEQUENCE');
    for (const el of readChildren(seq.contents)) {
      if (el.tag === TAG_BOOLEAN) result.isCa = el.contents[0] !== 0;
      else if (el.tag === TAG_INTEGER) result.pathLength = Number(integerValue(el.contents));
      else throw new X509ParseError('basicConstraints has an unexpected element');
    }
  }
  const ku = findExtension(extensions, EXTENSION_OID.keyUsage);
  if (ku) {
    const bits = readSingleElement(ku.value, 'keyUsage');
    if (bits.tag !== TAG_BIT_STRING || bits.contents.length === 0)
      throw new X509ParseError('keyUsage is not a BIT STRING');
    const bytes = bits.contents.subarray(1);
    result.keyUsage = _KEY_USAGE_NAMES.filter((_, bit) => ((bytes[bit >> 3] ?? 0) & (0x80 >> (bit & 7))) !== 0);
  }
  const version = findExtension(extensions, EXTENSION_OID.caVersion);
  if (version) {
    const int = readSingleElement(version.value, 'CA version');
    if (int.tag !== TAG_INTEGER) throw new X509ParseError('the CA version extension is not an INTEGER');
    const value = Number(integerValue(int.contents));
    result.caVersion = { certIndex: value & 0xffff, keyIndex: (value >>> 16) & 0xffff };
  }
  return result;
}
