/** Reading a CRL back (to check what was published, or to import a parent CA's CRL). */
import { AsnConvert } from '@peculiar/asn1-schema';
import { AlgorithmIdentifier } from '@peculiar/asn1-x509';
import {
  bytesToHex,
  decodeTime,
  integerValue,
  readChildren,
  readSingleElement,
  TAG_BIT_STRING,
  TAG_ENUMERATED,
  TAG_GENERALIZED_TIME,
  TAG_INTEGER,
  TAG_SEQUENCE,
  TAG_UTC_TIME,
} from './der';
import { nameToString } from './distinguished-name';
import type { X509Extension } from './extensions';
import { decodeExtensions, EXTENSION_OID, findExtension } from './extensions';
import { fromPem } from './pem';
import { verifySignature } from './verify-signature';
import { X509ParseError } from './x509-error';

/** One decoded CRL entry. */
export interface CrlEntryInfo {
  serialNumber: Uint8Array;
  serialNumberHex: string;
  revocationDate: Date;
  /** reasonCode, if the entry carries one. */
  reason?: number;
  extensions: X509Extension[];
}

/** A decoded CRL. */
export interface CrlInfo {
  der: Uint8Array;
  /** 1 or 2. */
  version: number;
  issuerDer: Uint8Array;
  issuerDn: string;
  thisUpdate: Date;
  nextUpdate?: Date;
  crlNumber?: bigint;
  /** Base CRL number if this is a delta CRL. */
  deltaBaseCrlNumber?: bigint;
  entries: CrlEntryInfo[];
  extensions: X509Extension[];
  signatureAlgorithm: AlgorithmIdentifier;
  tbsDer: Uint8Array;
  signature: Uint8Array;
}

/** Parses a CRL from DER or PEM (`X509 CRL`). Throws {@link X509ParseError} on malformed input. */
export function parseCrl(input: Uint8Array | string): CrlInfo {
  let der = input as Uint8Array;
  if (typeof input === 'string') {
    const block = fromPem(input);
    if (block.label !== 'X509 CRL') throw new X509ParseError(`expected an "X509 CRL" PEM block, got "${block.label}"`);
    der = block.der;
  }
  try {
    return decodeCrl(der);
  } catch (err) {
    throw new X509ParseError(`not a DER CRL: ${(err as Error).message}`);
  }
}

/** True if the CRL was signed by the key in `issuerSpki` (DER SubjectPublicKeyInfo). */
export async function verifyCrlSignature(crl: CrlInfo, issuerSpki: Uint8Array): Promise<boolean> {
  return verifySignature({
    signatureAlgorithm: crl.signatureAlgorithm,
    spki: issuerSpki,
    data: crl.tbsDer,
    signature: crl.signature,
  });
}

function decodeCrl(der: Uint8Array): CrlInfo {
  const outer = readSingleElement(der, 'CRL');
  const [tbs, algId, sigBits, extra] = outer.tag === TAG_SEQUENCE ? readChildren(outer.contents) : [];
  if (!tbs || !algId || !sigBits || extra || tbs.tag !== TAG_SEQUENCE || sigBits.tag !== TAG_BIT_STRING) {
    throw new Error('expected SEQUENCE { TBSCertList, AlgorithmIdentifier, BIT STRING }');
  }
  const fields = readChildren(tbs.contents);
  let version = 1;
  if (fields[0]?.tag === TAG_INTEGER) version = Number(integerValue(fields.shift()!.contents)) + 1;
  const [, issuer, thisUpdate, ...rest] = fields;
  if (!issuer || !thisUpdate) throw new Error('TBSCertList is missing fields');
  let next = rest.shift();
  let nextUpdate: Date | undefined;
  if (next && (next.tag === TAG_UTC_TIME || next.tag === TAG_GENERALIZED_TIME)) {
    nextUpdate = decodeTime(next);
    next = rest.shift();
  }
  const entries: CrlEntryInfo[] = [];
  if (next && next.tag === TAG_SEQUENCE) {
    for (const e of readChildren(next.contents)) {
      const [serial, date, exts] = readChildren(e.contents);
      if (!serial || serial.tag !== TAG_INTEGER || !date) throw new Error('malformed revoked certificate entry');
      const extensions = exts ? decodeExtensions(exts.raw) : [];
      const entry: CrlEntryInfo = {
        serialNumber: serial.contents.slice(),
        serialNumberHex: bytesToHex(serial.contents),
        revocationDate: decodeTime(date),
        extensions,
      };
      const reason = findExtension(extensions, EXTENSION_OID.crlReason);
      if (reason) {
        const en = readSingleElement(reason.value, 'reasonCode');
        if (en.tag !== TAG_ENUMERATED) throw new Error('reasonCode is not ENUMERATED');
        entry.reason = Number(integerValue(en.contents));
      }
      entries.push(entry);
    }
    next = rest.shift();
  }
  const extensions = next?.tag === 0xa0 ? decodeExtensions(next.contents) : [];
  const info: CrlInfo = {
    der,
    version,
    issuerDer: issuer.raw.slice(),
    issuerDn: nameToString(issuer.raw),
    thisUpdate: decodeTime(thisUpdate),
    entries,
    extensions,
    signatureAlgorithm: AsnConvert.parse(algId.raw, AlgorithmIdentifier),
    tbsDer: tbs.raw.slice(),
    signature: sigBits.contents.slice(1),
  };
  if (nextUpdate) info.nextUpdate = nextUpdate;
  const num = findExtension(extensions, EXTENSION_OID.crlNumber);
  if (num) info.crlNumber = integerOf(num.value);
  const delta = findExtension(extensions, EXTENSION_OID.deltaCrlIndicator);
  if (delta) info.deltaBaseCrlNumber = integerOf(delta.value);
  return info;
}

function integerOf(der: Uint8Array): bigint {
  const el = readSingleElement(der, 'INTEGER');
  if (el.tag !== TAG_INTEGER) throw new Error('expected an INTEGER');
  return integerValue(el.contents);
}
