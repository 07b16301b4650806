/**
 * PKCS#10 (RFC 2986) request parsing for the request path of the CA: decode, verify the
 * proof-of-possession signature, and expose what the policy/exit side needs (subject, key,
 * requested extensions, attributes).
 */
import { AsnConvert } from '@peculiar/asn1-schema';
import { Name } from '@peculiar/asn1-x509';
import {
  decodeOid,
  integerValue,
  readChildren,
  readSingleElement,
  TAG_BIT_STRING,
  TAG_INTEGER,
  TAG_OID,
  TAG_SEQUENCE,
  TAG_SET,
  toArrayBuffer,
} from './der';
import { nameToString } from './distinguished-name';
import type { X509Extension } from './extensions';
import { assertUniqueExtensions, decodeExtensions } from './extensions';
import type { AlgorithmIdentifierLike } from './lazy-property';
import { defineLazy } from './lazy-property';
import { decodeBase64Strict, fromPem } from './pem';
import { describePublicKey } from './public-key-info';
import { verifySignature } from './verify-signature';
import { X509ParseError, X509SignatureError } from './x509-error';

/** PKCS#9 extensionRequest. */
export const OID_EXTENSION_REQUEST = '1.2.840.113549.1.9.14';
/** Microsoft szOID_CERT_EXTENSIONS, used by old Windows clients instead of extensionRequest. */
export const OID_MS_CERT_EXTENSIONS = '1.3.6.1.4.1.311.2.1.14';

/** PEM labels accepted for requests (the second is what `certreq`/IIS write). */
const PEM_LABELS = new Set(['CERTIFICATE REQUEST', 'NEW CERTIFICATE REQUEST']);

/** One request attribute; `values` are the DER of each value in the SET. */
export interface RequestAttribute {
  oid: string;
  values: Uint8Array[];
}

/** A decoded PKCS#10 request whose signature has been verified. */
export interface ParsedCertificationRequest {
  /** The request DER (as received, after PEM/base64 decoding). */
  der: Uint8Array;
  subject: Name;
  /** Subject DER exactly as in the request, to copy into the certificate byte-for-byte. */
  subjectDer: Uint8Array;
  /** Subject in AD CS string form, see `nameToString`. */
  subjectDn: string;
  /** DER SubjectPublicKeyInfo exactly as in the request. */
  subjectPublicKeyInfo: Uint8Array;
  publicKeyAlgorithmOid: string;
  /** RSA modulus bits or EC curve bits (AD CS `PublicKeyLength`). */
  publicKeyLength: number;
  signatureAlgorithmOid: string;
  /** Requested extensions from extensionRequest (and the Microsoft equivalent), in request order. */
  extensions: X509Extension[];
  /** All attributes, including the extension request itself. */
  attributes: RequestAttribute[];
}

/**
 * Parses a PKCS#10 request from PEM (`CERTIFICATE REQUEST` / `NEW CERTIFICATE REQUEST`), bare
 * base64 or DER, and verifies its self-signature.
 *
 * Throws {@link X509ParseError} ("not a PKCS#10 request: ...") for anything malformed,
 * {@link X509SignatureError} ("PKCS#10 signature does not verify") for a bad signature and
 * X509UnsupportedAlgorithmError for signature/key algorithms WebCrypto cannot check.
 */
export async function parseCertificationRequest(input: string | Uint8Array): Promise<ParsedCertificationRequest> {
  const der = requestBytes(input);
  const parsed = decodeRequest(der);
  const ok = await verifySignature({
    signatureAlgorithm: parsed.signatureAlgorithm,
    spki: parsed.subjectPublicKeyInfo,
    data: parsed.infoDer,
    signature: parsed.signature,
  });
  if (!ok) throw new X509SignatureError('PKCS#10 signature does not verify');
  // Reshape in place: a spread would read (and so build) the lazy `subject`.
  const result = parsed as Partial<DecodedRequest> & ParsedCertificationRequest;
  result.signatureAlgorithmOid = parsed.signatureAlgorithm.algorithm;
  delete result.infoDer;
  delete result.signature;
  delete result.signatureAlgorithm;
  return result;
}

/** Unwraps PEM / base64 / DER input to DER bytes. */
function requestBytes(input: string | Uint8Array): Uint8Array {
  if (input instanceof Uint8Array) {
    if (input.length === 0) throw new X509ParseError('not a PKCS#10 request: empty input');
    // DER starts with SEQUENCE; anything else is taken as PEM/base64 text.
    if (input[0] === TAG_SEQUENCE) return input;
    return requestBytes(new TextDecoder('latin1').decode(input));
  }
  if (input.includes('-----BEGIN')) {
    let block: ReturnType<typeof fromPem>;
    try {
      block = fromPem(input);
    } catch (err) {
      throw new X509ParseError(`not a PKCS#10 request: ${(err as Error).message}`);
    }
    if (!PEM_LABELS.has(block.label)) {
      throw new X509ParseError(`not a PKCS#10 request: PEM label is "${block.label}", expected "CERTIFICATE REQUEST"`);
    }
    return block.der;
  }
  try {
    return decodeBase64Strict(input, 'request');
  } catch (err) {
    throw new X509ParseError(`not a PKCS#10 request: ${(err as Error).message}`);
  }
}

interface DecodedRequest extends Omit<ParsedCertificationRequest, 'signatureAlgorithmOid'> {
  infoDer: Uint8Array;
  signature: Uint8Array;
  signatureAlgorithm: AlgorithmIdentifierLike;
}

function decodeRequest(der: Uint8Array): DecodedRequest {
  try {
    return decodeRequestStructure(der);
  } catch (err) {
    throw new X509ParseError(`not a PKCS#10 request: ${(err as Error).message}`);
  }
}

function decodeRequestStructure(der: Uint8Array): DecodedRequest {
  const outer = readSingleElement(der, 'CertificationRequest');
  const [info, algId, sigBits, extra] = outer.tag === TAG_SEQUENCE ? readChildren(outer.contents) : [];
  if (!info || !algId || !sigBits || extra || info.tag !== TAG_SEQUENCE || algId.tag !== TAG_SEQUENCE) {
    throw new Error('expected SEQUENCE { CertificationRequestInfo, AlgorithmIdentifier, BIT STRING }');
  }
  if (sigBits.tag !== TAG_BIT_STRING || sigBits.contents[0] !== 0)
    throw new Error('signature is not an octet-aligned BIT STRING');

  const [version, subject, spki, attrs, more] = readChildren(info.contents);
  if (!version || version.tag !== TAG_INTEGER || integerValue(version.contents) !== 0n) {
    throw new Error('unsupported CertificationRequestInfo version (must be 0 = v1)');
  }
  if (!subject || subject.tag !== TAG_SEQUENCE || !spki || spki.tag !== TAG_SEQUENCE) {
    throw new Error('CertificationRequestInfo lacks subject or subjectPKInfo');
  }
  if (more || (attrs && attrs.tag !== 0xa0)) throw new Error('unexpected element after subjectPKInfo');

  const subjectDer = subject.raw.slice();
  const subjectPublicKeyInfo = spki.raw.slice();
  const key = describePublicKey(subjectPublicKeyInfo);
  const attributes = attrs ? decodeAttributes(attrs.contents) : [];

  const [algOid, algParams] = readChildren(algId.contents);
  if (!algOid || algOid.tag !== TAG_OID) throw new Error('signature AlgorithmIdentifier lacks its OID');
  const decoded = {
    der,
    subjectDer,
    subjectDn: nameToString(subjectDer),
    subjectPublicKeyInfo,
    publicKeyAlgorithmOid: key.algorithmOid,
    publicKeyLength: key.bits,
    extensions: requestedExtensions(attributes),
    attributes,
    infoDer: info.raw,
    signature: sigBits.contents.subarray(1),
    // What verification needs, without building the asn1 object (the issuance path's costliest step).
    signatureAlgorithm: {
      algorithm: decodeOid(algOid.contents),
      parameters: algParams ? toArrayBuffer(algParams.raw) : null,
    },
  };
  return defineLazy(decoded, 'subject', () => AsnConvert.parse(subjectDer, Name)) as DecodedRequest;
}

/** `[0] IMPLICIT SET OF Attribute`, Attribute ::= SEQUENCE { type OID, values SET OF ANY }. */
function decodeAttributes(contents: Uint8Array): RequestAttribute[] {
  return readChildren(contents).map((attr) => {
    const [type, values, extra] = attr.tag === TAG_SEQUENCE ? readChildren(attr.contents) : [];
    if (!type || type.tag !== TAG_OID || !values || values.tag !== TAG_SET || extra) {
      throw new Error('malformed request attribute');
    }
    return { oid: decodeOid(type.contents), values: readChildren(values.contents).map((v) => v.raw.slice()) };
  });
}

/**
 * Extensions from extensionRequest and the Microsoft attribute. Duplicates inside one attribute are
 * an error; if both attributes carry the same OID, the PKCS#9 one wins.
 */
function requestedExtensions(attributes: RequestAttribute[]): X509Extension[] {
  const out: X509Extension[] = [];
  for (const oid of [OID_EXTENSION_REQUEST, OID_MS_CERT_EXTENSIONS]) {
    const fromThis: X509Extension[] = [];
    for (const attr of attributes.filter((a) => a.oid === oid)) {
      for (const value of attr.values) fromThis.push(...decodeExtensions(value));
    }
    assertUniqueExtensions(fromThis, `request attribute ${oid}`);
    for (const ext of fromThis) if (!out.some((e) => e.oid === ext.oid)) out.push(ext);
  }
  return out;
}
