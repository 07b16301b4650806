/**
 * A few DER encoders for tests that craft what no honest encoder makes: hostile names and extensions (a NUL in a
 * dNSName, an unpaired surrogate in a BMPString, trailing bytes), byte by byte. Test-only; it imports nothing, so
 * any package's tests can use it without reaching into @certexit/x509's internals.
 */

export const TAG_OCTET_STRING = 0x04;
export const TAG_OID = 0x06;
export const TAG_UTF8_STRING = 0x0c;
export const TAG_PRINTABLE_STRING = 0x13;
export const TAG_IA5_STRING = 0x16;
export const TAG_BMP_STRING = 0x1e;
export const TAG_SEQUENCE = 0x30;
export const TAG_SET = 0x31;

/** The parts one after the other, in a fresh array. */
export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((total, part) => total + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** One TLV with a single-byte tag and a definite DER length. */
export function encodeTlv(tag: number, contents: Uint8Array): Uint8Array {
  const length: number[] = [];
  if (contents.length < 0x80) length.push(contents.length);
  else {
    for (let n = contents.length; n > 0; n = Math.floor(n / 256)) length.unshift(n & 0xff);
    length.unshift(0x80 | length.length);
  }
  return concatBytes(Uint8Array.of(tag, ...length), contents);
}

/** A SEQUENCE of the children as given. */
export function encodeSequence(...children: Uint8Array[]): Uint8Array {
  return encodeTlv(TAG_SEQUENCE, concatBytes(...children));
}

/** An OBJECT IDENTIFIER from its dotted form. */
export function encodeOid(oid: string): Uint8Array {
  const arcs = oid.split('.').map(BigInt);
  const [first = 0n, second = 0n, ...rest] = arcs;
  const body: number[] = [];
  for (const arc of [first * 40n + second, ...rest]) {
    const chunk = [Number(arc & 0x7fn)];
    for (let v = arc >> 7n; v > 0n; v >>= 7n) chunk.unshift(Number(v & 0x7fn) | 0x80);
    body.push(...chunk);
  }
  return encodeTlv(TAG_OID, Uint8Array.from(body));
}
