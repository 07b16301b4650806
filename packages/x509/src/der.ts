/**
 * Minimal DER reader/writer for the few places where the schema classes are not precise enough:
 * splicing exact byte-for-byte names/keys into to-be-signed structures, INTEGERs of any size,
 * ECDSA signature conversion and times. Only low tag numbers (< 31) are supported, which is all
 * X.509 needs.
 */
import { X509ParseError } from './x509-error';

export const TAG_BOOLEAN = 0x01;
export const TAG_INTEGER = 0x02;
export const TAG_BIT_STRING = 0x03;
export const TAG_OCTET_STRING = 0x04;
export const TAG_NULL = 0x05;
export const TAG_OID = 0x06;
export const TAG_ENUMERATED = 0x0a;
export const TAG_UTF8_STRING = 0x0c;
export const TAG_NUMERIC_STRING = 0x12;
export const TAG_PRINTABLE_STRING = 0x13;
export const TAG_TELETEX_STRING = 0x14;
export const TAG_IA5_STRING = 0x16;
export const TAG_UTC_TIME = 0x17;
export const TAG_GENERALIZED_TIME = 0x18;
export const TAG_VISIBLE_STRING = 0x1a;
export const TAG_UNIVERSAL_STRING = 0x1c;
export const TAG_BMP_STRING = 0x1e;
export const TAG_SEQUENCE = 0x30;
export const TAG_SET = 0x31;

/** One decoded TLV; `raw` is the whole element, `contents` the value octets (views, not copies). */
export interface DerElement {
  tag: number;
  raw: Uint8Array;
  contents: Uint8Array;
  /** Offset just after this element in the buffer it was read from. */
  end: number;
}

/** Concatenates byte arrays into a fresh one. */
export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let total = 0;
  for (const p of parts) total += p.length;
  const out = new Uint8Array(total);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

/** Copies into a fresh, exactly-sized ArrayBuffer (what the schema classes and WebCrypto want). */
export function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  const out = new ArrayBuffer(bytes.length);
  new Uint8Array(out).set(bytes);
  return out;
}

export function encodeLength(length: number): Uint8Array {
  if (length < 0x80) return Uint8Array.of(length);
  const bytes: number[] = [];
  for (let n = length; n > 0; n = Math.floor(n / 256)) bytes.unshift(n & 0xff);
  return Uint8Array.of(0x80 | bytes.length, ...bytes);
}

/** Encodes one TLV with a single-byte tag. */
export function encodeTlv(tag: number, contents: Uint8Array): Uint8Array {
  return concatBytes(Uint8Array.of(tag), encodeLength(contents.length), contents);
}

export function encodeSequence(...children: Uint8Array[]): Uint8Array {
  return encodeTlv(TAG_SEQUENCE, concatBytes(...children));
}

/** An octet-aligned BIT STRING (unused-bits octet 0), as used for signatures and keys. */
export function encodeBitString(bytes: Uint8Array): Uint8Array {
  return encodeTlv(TAG_BIT_STRING, concatBytes(Uint8Array.of(0), bytes));
}

/** Minimal two's-complement content octets of an integer. */
export function integerContents(value: bigint): Uint8Array {
  if (value === 0n) return Uint8Array.of(0);
  const bytes: number[] = [];
  let v = value;
  // Emit bytes until the remaining value is pure sign extension of the last emitted byte.
  for (;;) {
    const byte = Number(BigInt.asUintN(8, v));
    bytes.unshift(byte);
    v >>= 8n;
    if ((v === 0n && (byte & 0x80) === 0) || (v === -1n && (byte & 0x80) !== 0)) break;
  }
  return Uint8Array.from(bytes);
}

/** DER INTEGER from a number/bigint. */
export function encodeInteger(value: bigint | number): Uint8Array {
  return encodeTlv(TAG_INTEGER, integerContents(BigInt(value)));
}

/** Reads an INTEGER's content octets as a (signed) bigint. */
export function integerValue(contents: Uint8Array): bigint {
  if (contents.length === 0) throw new X509ParseError('empty INTEGER');
  let v = 0n;
  for (const b of contents) v = (v << 8n) | BigInt(b);
  if ((contents[0]! & 0x80) !== 0) v -= 1n << BigInt(contents.length * 8);
  return v;
}

/** Reads one TLV at `offset`; rejects indefinite lengths and lengths that overrun the buffer. */
export function readElement(data: Uint8Array, offset = 0): DerElement {
  if (offset + 2 > data.length) throw new X509ParseError('truncated DER element');
  const tag = data[offset]!;
  if ((tag & 0x1f) === 0x1f) throw new X509ParseError('high-tag-number DER form is not supported');
  let lengthByte = data[offset + 1]!;
  let pos = offset + 2;
  let length: number;
  if (lengthByte < 0x80) {
    length = lengthByte;
  } else {
    lengthByte &= 0x7f;
    if (lengthByte === 0) throw new X509ParseError('indefinite-length encoding is not DER');
    if (lengthByte > 4) throw new X509ParseError('DER length too large');
    if (pos + lengthByte > data.length) throw new X509ParseError('truncated DER length');
    length = 0;
    for (let i = 0; i < lengthByte; i++) length = length * 256 + data[pos + i]!;
    pos += lengthByte;
  }
  const end = pos + length;
  if (end > data.length) throw new X509ParseError('DER element length exceeds the available data');
  return { tag, raw: data.subarray(offset, end), contents: data.subarray(pos, end), end };
}

/** Reads exactly one TLV spanning the whole buffer (no trailing bytes allowed). */
export function readSingleElement(data: Uint8Array, what: string): DerElement {
  const el = readElement(data, 0);
  if (el.end !== data.length) throw new X509ParseError(`${what}: trailing data after the DER structure`);
  return el;
}

/** Splits the contents of a constructed element into its children. */
export function readChildren(contents: Uint8Array): DerElement[] {
  const children: DerElement[] = [];
  let offset = 0;
  while (offset < contents.length) {
    const el = readElement(contents, offset);
    children.push(el);
    offset = el.end;
  }
  return children;
}

/** DER-encodes an OBJECT IDENTIFIER from dotted form. */
export function encodeOid(oid: string): Uint8Array {
  // A CA encodes the same few dozen OIDs over and over; the BigInt arithmetic below is not free.
  const cached = _encodedOids.get(oid);
  if (cached) return cached.slice();
  const encoded = _encodeOid(oid);
  if (_encodedOids.size < 4096) _encodedOids.set(oid, encoded);
  return encoded.slice();
}

const _encodedOids = new Map<string, Uint8Array>();

function _encodeOid(oid: string): Uint8Array {
  const arcs = oid.split('.').map((a) => {
    if (!/^\d+$/.test(a)) throw new X509ParseError(`invalid OID "${oid}"`);
    return BigInt(a);
  });
  const [first, second, ...rest] = arcs;
  if (first === undefined || second === undefined || first > 2n || (first < 2n && second > 39n)) {
    throw new X509ParseError(`invalid OID "${oid}"`);
  }
  const body: number[] = [];
  for (const arc of [first * 40n + second, ...rest]) {
    const chunk: number[] = [Number(arc & 0x7fn)];
    for (let v = arc >> 7n; v > 0n; v >>= 7n) chunk.unshift(Number(v & 0x7fn) | 0x80);
    body.push(...chunk);
  }
  return encodeTlv(TAG_OID, Uint8Array.from(body));
}

/** Decodes OBJECT IDENTIFIER content octets to dotted form. */
export function decodeOid(contents: Uint8Array): string {
  // Arcs are numbers while they fit well inside 2^53 and become bigints beyond (UUID OIDs under 2.25 have 128-bit
  // arcs): bigint arithmetic on every byte made this the costliest step of parsing a request. An unterminated last
  // arc is left out, as before.
  const arcs: Array<number | bigint> = [];
  let v = 0;
  let big: bigint | undefined;
  for (const b of contents) {
    if (big === undefined && v < 2 ** 45) v = v * 128 + (b & 0x7f);
    else big = ((big ?? BigInt(v)) << 7n) | BigInt(b & 0x7f);
    if ((b & 0x80) === 0) {
      arcs.push(big ?? v);
      v = 0;
      big = undefined;
    }
  }
  const [head, ...rest] = arcs;
  if (head === undefined) throw new X509ParseError('empty OBJECT IDENTIFIER');
  if (typeof head === 'bigint') return [2n, head - 80n, ...rest].join('.');
  const first = head < 80 ? Math.floor(head / 40) : 2;
  return [first, head - first * 40, ...rest].join('.');
}

/**
 * RFC 5280 §4.1.2.5: UTCTime for 1950–2049, GeneralizedTime otherwise; always seconds
 * precision with "Z". Milliseconds are truncated.
 */
export function encodeTime(date: Date): Uint8Array {
  const ms = date.getTime();
  if (Number.isNaN(ms)) throw new X509ParseError('invalid date');
  const year = date.getUTCFullYear();
  const p2 = (n: number) => String(n).padStart(2, '0');
  const rest = `${p2(date.getUTCMonth() + 1)}${p2(date.getUTCDate())}${p2(date.getUTCHours())}${p2(date.getUTCMinutes())}${p2(date.getUTCSeconds())}Z`;
  if (year >= 1950 && year <= 2049) {
    return encodeTlv(TAG_UTC_TIME, new TextEncoder().encode(`${p2(year % 100)}${rest}`));
  }
  if (year < 0 || year > 9999) throw new X509ParseError(`year ${year} cannot be encoded as GeneralizedTime`);
  return encodeTlv(TAG_GENERALIZED_TIME, new TextEncoder().encode(`${String(year).padStart(4, '0')}${rest}`));
}

/** Lowercase hex of bytes. */
export function bytesToHex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}

/** Bytes from hex (even length, no separators). */
export function hexToBytes(hex: string): Uint8Array {
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) throw new X509ParseError(`invalid hex string "${hex}"`);
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/** Byte-wise comparison (used to sort DER SET OF members). */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = a[i]! - b[i]!;
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && compareBytes(a, b) === 0;
}

/** Decodes a UTCTime/GeneralizedTime element (UTC "Z" forms as RFC 5280 mandates; fractions tolerated). */
export function decodeTime(el: DerElement): Date {
  const text = new TextDecoder('latin1').decode(el.contents);
  let m: RegExpExecArray | null = null;
  let year: number;
  if (el.tag === TAG_UTC_TIME) {
    m = /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?Z$/.exec(text);
    if (!m) throw new X509ParseError(`invalid UTCTime "${text}"`);
    const yy = Number(m[1]);
    year = yy >= 50 ? 1900 + yy : 2000 + yy;
  } else if (el.tag === TAG_GENERALIZED_TIME) {
    m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(?:\.\d+)?Z$/.exec(text);
    if (!m) throw new X509ParseError(`invalid GeneralizedTime "${text}"`);
    year = Number(m[1]);
  } else {
    throw new X509ParseError(`expected a time, got tag 0x${el.tag.toString(16)}`);
  }
  const date = new Date(Date.UTC(year, Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6] ?? 0)));
  date.setUTCFullYear(year); // Date.UTC maps years 0..99 to 19xx
  return date;
}
