/**
 * A strict DER walk: what OpenSSL and Python `cryptography` insist on when they parse a certificate, checked before
 * the CA signs bytes that came from a request (subject, key, extensions) or from the directory. The tolerant reader
 * in `der.ts` takes the long form of a short length; a certificate carrying one is refused by strict parsers.
 */
import type { DerElement } from './der';
import { readElement, TAG_BIT_STRING, TAG_BOOLEAN, TAG_INTEGER, TAG_NULL, TAG_OID, TAG_SEQUENCE, TAG_SET } from './der';
import { X509ParseError } from './x509-error';

/** Nesting deeper than this is refused: no certificate needs it, and recursion must stay bounded. */
const MAX_DEPTH = 32;

/**
 * Checks that `der` is exactly one DER element, recursively: minimal definite lengths, constructed encodings only
 * where ASN.1 allows them, BOOLEAN as 0x00/0xFF, minimal INTEGERs, minimal OID arcs, BIT STRINGs whose unused bits
 * are zero, empty NULLs. Throws an {@link X509ParseError} naming `what` and the fault.
 */
export function assertStrictDer(der: Uint8Array, what: string): void {
  let element: DerElement;
  try {
    element = _readStrict(der, 0);
  } catch (error) {
    throw new X509ParseError(`${what}: ${(error as Error).message}`);
  }
  if (element.end !== der.length) throw new X509ParseError(`${what}: trailing data after the DER structure`);
  try {
    _check(element, 0);
  } catch (error) {
    throw new X509ParseError(`${what}: ${(error as Error).message}`);
  }
}

/** Reads one element and checks that its length has the shortest encoding (X.690 §10.1). */
function _readStrict(data: Uint8Array, offset: number): DerElement {
  const element = readElement(data, offset);
  const lengthByte = data[offset + 1]!;
  const length = element.contents.length;
  if (lengthByte & 0x80) {
    const count = lengthByte & 0x7f;
    if (length < 0x80) throw new Error(`a length of ${length} in the long form`);
    let needed = 0;
    for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) needed++;
    if (count !== needed) throw new Error('a length in more bytes than needed');
  }
  return element;
}

function _check(element: DerElement, depth: number): void {
  if (depth > MAX_DEPTH) throw new Error(`nesting deeper than ${MAX_DEPTH}`);
  const { tag, contents } = element;
  const constructed = (tag & 0x20) !== 0;
  const universal = (tag & 0xc0) === 0;
  if (universal) {
    const number = tag & 0x1f;
    if (tag === TAG_SEQUENCE || tag === TAG_SET) {
      // fine: constructed
    } else if (constructed || number === (TAG_SEQUENCE & 0x1f) || number === (TAG_SET & 0x1f)) {
      throw new Error(`universal tag ${number} in the ${constructed ? 'constructed' : 'primitive'} form`);
    }
    switch (tag) {
      case TAG_BOOLEAN:
        if (contents.length !== 1 || (contents[0] !== 0 && contents[0] !== 0xff))
          throw new Error('a BOOLEAN that is not 0x00 or 0xFF');
        break;
      case TAG_INTEGER:
      case 0x0a: // ENUMERATED
        if (contents.length === 0) throw new Error('an empty INTEGER');
        if (
          contents.length > 1 &&
          ((contents[0] === 0 && (contents[1]! & 0x80) === 0) || (contents[0] === 0xff && (contents[1]! & 0x80) !== 0))
        )
          throw new Error('an INTEGER in more bytes than needed');
        break;
      case TAG_OID:
        _checkOid(contents);
        break;
      case TAG_BIT_STRING: {
        const unused = contents[0];
        if (unused === undefined) throw new Error('a BIT STRING without its unused-bits byte');
        if (unused > 7 || (contents.length === 1 && unused !== 0)) throw new Error('a BIT STRING with bad unused bits');
        if (unused > 0 && (contents[contents.length - 1]! & ((1 << unused) - 1)) !== 0)
          throw new Error('a BIT STRING whose unused bits are not zero');
        break;
      }
      case TAG_NULL:
        if (contents.length !== 0) throw new Error('a NULL with contents');
        break;
    }
  }
  if (!constructed) return;
  let offset = 0;
  while (offset < contents.length) {
    const child = _readStrict(contents, offset);
    _check(child, depth + 1);
    offset = child.end;
  }
}

function _checkOid(contents: Uint8Array): void {
  if (contents.length === 0) throw new Error('an empty OBJECT IDENTIFIER');
  if ((contents[contents.length - 1]! & 0x80) !== 0) throw new Error('an OBJECT IDENTIFIER cut in a subidentifier');
  let start = true;
  for (const byte of contents) {
    if (start && byte === 0x80) throw new Error('an OBJECT IDENTIFIER arc with a leading 0x80 byte');
    start = (byte & 0x80) === 0;
  }
}
