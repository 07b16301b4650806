/**
 * One-dimensional arrays in PostgreSQL's binary format (what `array_send` writes and `array_recv` reads), for the
 * batched insert's columns. `pg` sends a Buffer parameter in binary and anything else as text; an array it would
 * turn into a text literal (`{1,2,"a \"b\""}`), escaping every element on the event loop, for the server to parse
 * back element by element. Written here because neither `pg` nor `pg-types` writes binary arrays.
 */

/** The element types the batch sends, and their type OIDs (`pg_type.oid`; `array_recv` checks them). */
const _ELEMENT_OIDS = { bigint: 20, integer: 23, text: 25 } as const;

/** An element type of {@link binaryArray}. */
export type BinaryElementType = keyof typeof _ELEMENT_OIDS;

/** Whether {@link binaryArray} can write arrays of `type`. */
export function isBinaryElementType(type: string): type is BinaryElementType {
  return Object.hasOwn(_ELEMENT_OIDS, type);
}

const _HEADER = 20;
const _TWO_32 = 2 ** 32;

/**
 * `values` as a binary one-dimensional array of `type` (`null` and `undefined` are NULL), for a parameter typed
 * `type[]` in the statement. `column` names the values in the error a value of the wrong kind gets.
 */
export function binaryArray(type: BinaryElementType, values: readonly unknown[], column: string): Buffer {
  let capacity = _HEADER + 4 * values.length;
  if (type === 'text') for (const value of values) capacity += _textOf(value, column).length * 3;
  else capacity += (type === 'bigint' ? 8 : 4) * values.length;
  const out = Buffer.allocUnsafe(capacity);
  out.writeInt32BE(values.length > 0 ? 1 : 0, 0);
  out.writeInt32BE(values.includes(null) || values.includes(undefined) ? 1 : 0, 4);
  out.writeInt32BE(_ELEMENT_OIDS[type], 8);
  if (values.length === 0) return out.subarray(0, 12);
  out.writeInt32BE(values.length, 12);
  out.writeInt32BE(1, 16);
  let at = _HEADER;
  for (const value of values) {
    if (value === null || value === undefined) {
      at = out.writeInt32BE(-1, at);
    } else if (type === 'text') {
      // A UTF-16 code unit is at most 3 bytes of UTF-8, so the capacity above always holds the string.
      const length = out.write(_textOf(value, column), at + 4, 'utf8');
      out.writeInt32BE(length, at);
      at += 4 + length;
    } else if (type === 'bigint') {
      at = out.writeInt32BE(8, at);
      at = _writeInt64(out, _integerOf(value, column, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER), at);
    } else {
      at = out.writeInt32BE(4, at);
      at = out.writeInt32BE(_integerOf(value, column, -(2 ** 31), 2 ** 31 - 1), at);
    }
  }
  return out.subarray(0, at);
}

function _textOf(value: unknown, column: string): string {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return '';
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  throw new TypeError(`${column}: a ${typeof value} is not text`);
}

/** An integer element within [min, max] (JavaScript numbers: a bigint column holds safe integers). */
function _integerOf(value: unknown, column: string, min: number, max: number): number {
  const n = typeof value === 'bigint' || (typeof value === 'string' && /^-?\d+$/.test(value)) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max)
    throw new TypeError(
      `${column}: ${typeof value === 'string' ? JSON.stringify(value) : String(value)} is not an integer from ${min} to ${max}`,
    );
  return n;
}

/** Writes a safe integer as a big-endian 64-bit two's complement integer, without making a BigInt. */
function _writeInt64(out: Buffer, n: number, at: number): number {
  const high = Math.floor(n / _TWO_32);
  out.writeInt32BE(high, at);
  out.writeUInt32BE(n - high * _TWO_32, at + 4);
  return at + 8;
}
