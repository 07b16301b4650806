import { describe, expect, it } from 'vitest';
import {
  bytesToHex,
  decodeOid,
  decodeTime,
  encodeInteger,
  encodeOid,
  encodeTime,
  integerValue,
  readElement,
  readSingleElement,
} from './der';

describe('DER helpers', () => {
  it('encodes minimal two-complement INTEGERs', () => {
    const cases: Array<[bigint, string]> = [
      [0n, '020100'],
      [127n, '02017f'],
      [128n, '02020080'],
      [256n, '02020100'],
      [-1n, '0201ff'],
      [-128n, '020180'],
      [-129n, '0202ff7f'],
    ];
    for (const [v, hex] of cases) {
      expect(bytesToHex(encodeInteger(v))).toBe(hex);
      expect(integerValue(readSingleElement(encodeInteger(v), 'i').contents)).toBe(v);
    }
  });

  it('round-trips OIDs including large arcs', () => {
    for (const oid of [
      '2.5.29.19',
      '1.2.840.113549.1.1.11',
      '1.3.6.1.4.1.311.21.1',
      '2.999.1',
      '0.9.2342.19200300.100.1.25',
    ]) {
      const der = encodeOid(oid);
      expect(decodeOid(readSingleElement(der, 'oid').contents)).toBe(oid);
    }
    expect(bytesToHex(encodeOid('1.2.840.113549.1.1.11'))).toBe('06092a864886f70d01010b');
    expect(() => encodeOid('3.1')).toThrow();
  });

  it('switches UTCTime → GeneralizedTime at 2050 and back again', () => {
    const cases: Array<[string, string]> = [
      ['2049-12-31T23:59:59.999Z', '170d3439313233313233353935395a'],
      ['2050-01-01T00:00:00Z', '180f32303530303130313030303030305a'],
      ['1949-12-31T23:59:59Z', '180f31393439313233313233353935395a'],
    ];
    for (const [iso, hex] of cases) {
      const der = encodeTime(new Date(iso));
      expect(bytesToHex(der)).toBe(hex);
      expect(decodeTime(readSingleElement(der, 't')).toISOString()).toBe(
        new Date(Math.floor(Date.parse(iso) / 1000) * 1000).toISOString(),
      );
    }
  });

  it('rejects indefinite, overlong and trailing encodings', () => {
    expect(() => readElement(Uint8Array.of(0x30, 0x80, 0, 0))).toThrow(/indefinite/);
    expect(() => readElement(Uint8Array.of(0x04, 0x05, 1))).toThrow(/exceeds/);
    expect(() => readSingleElement(Uint8Array.of(0x05, 0x00, 0x00), 'x')).toThrow(/trailing/);
  });
});
