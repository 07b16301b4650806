import { describe, expect, it } from 'vitest';
import { binaryArray, isBinaryElementType } from './postgres-binary-arrays';

/** The int32s of a buffer, big-endian, from `at`. */
const ints = (b: Buffer, at: number, n: number) => Array.from({ length: n }, (_, i) => b.readInt32BE(at + 4 * i));

describe('binaryArray: one-dimensional arrays as array_recv reads them', () => {
  it('writes the header (one dimension, the NULL flag, the element OID, the length, lower bound 1)', () => {
    expect(ints(binaryArray('integer', [7, -1], 'c'), 0, 5)).toEqual([1, 0, 23, 2, 1]);
    expect(ints(binaryArray('bigint', [1, null], 'c'), 0, 5)).toEqual([1, 1, 20, 2, 1]);
    expect(ints(binaryArray('text', [undefined], 'c'), 0, 5)).toEqual([1, 1, 25, 1, 1]);
  });

  it('writes an empty array with no dimension', () => {
    expect([...binaryArray('text', [], 'c')]).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 25]);
  });

  it('writes integers as 4 bytes and bigints as 8, big-endian two’s complement, and NULL as length -1', () => {
    const i = binaryArray('integer', [2 ** 31 - 1, -(2 ** 31), null], 'c');
    expect(ints(i, 20, 5)).toEqual([4, 2 ** 31 - 1, 4, -(2 ** 31), -1]);
    expect(i.length).toBe(20 + 8 + 8 + 4);
    const b = binaryArray('bigint', [Number.MAX_SAFE_INTEGER, -1, -(2 ** 32), 0x80094012, null], 'c');
    const at = (k: number) => 20 + 12 * k;
    expect(b.readInt32BE(at(0))).toBe(8);
    expect(b.readBigInt64BE(at(0) + 4)).toBe(BigInt(Number.MAX_SAFE_INTEGER));
    expect(b.readBigInt64BE(at(1) + 4)).toBe(-1n);
    expect(b.readBigInt64BE(at(2) + 4)).toBe(-(2n ** 32n));
    expect(b.readBigInt64BE(at(3) + 4)).toBe(0x80094012n);
    expect(b.readInt32BE(at(4))).toBe(-1);
    expect(b.length).toBe(at(4) + 4);
  });

  it('writes text as its UTF-8 bytes with their length', () => {
    const t = binaryArray('text', ['', 'é€😀', 'a\nb'], 'c');
    expect(t.readInt32BE(20)).toBe(0);
    expect(t.readInt32BE(24)).toBe(9);
    expect(t.subarray(28, 37).toString('utf8')).toBe('é€😀');
    expect(t.readInt32BE(37)).toBe(3);
    expect(t.subarray(41).toString('utf8')).toBe('a\nb');
  });

  it('refuses a value that is not of the column’s type, naming the column', () => {
    expect(() => binaryArray('bigint', [1.5], 'requests.disposition')).toThrow(
      /requests\.disposition: 1\.5 is not an integer/,
    );
    expect(() => binaryArray('bigint', [2 ** 53], 'c')).toThrow(/not an integer/);
    expect(() => binaryArray('bigint', ['12x'], 'c')).toThrow(/c: "12x" is not an integer/);
    expect(() => binaryArray('bigint', [''], 'c')).toThrow(/c: "" is not an integer/);
    expect(binaryArray('bigint', ['-12', 12n], 'c').readBigInt64BE(24)).toBe(-12n);
    expect(() => binaryArray('integer', [2 ** 31], 'c')).toThrow(/not an integer from -2147483648 to 2147483647/);
    expect(() => binaryArray('text', [{}], 'requests.officer')).toThrow(/requests\.officer: a object is not text/);
  });

  it('knows the element types it writes', () => {
    expect(['bigint', 'integer', 'text'].every(isBinaryElementType)).toBe(true);
    expect(isBinaryElementType('bytea')).toBe(false);
    expect(isBinaryElementType('toString')).toBe(false);
  });
});
