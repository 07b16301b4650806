import { describe, expect, it } from 'vitest';
import { assertValidSerialNumber, newSerialNumber, serialFromHex, serialToHex } from './serial-number';
import { X509ArgumentError } from './x509-error';

describe('newSerialNumber', () => {
  it('is 16 bytes, positive and minimal as a DER INTEGER, and random', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 500; i++) {
      const s = newSerialNumber();
      expect(s.length).toBe(16);
      expect(s[0]! & 0x80).toBe(0); // positive without a pad byte
      expect(s[0]).toBeGreaterThanOrEqual(0x40); // never a leading zero byte
      expect(() => assertValidSerialNumber(s)).not.toThrow();
      seen.add(serialToHex(s));
    }
    expect(seen.size).toBe(500);
  });
});

describe('serialToHex / serialFromHex', () => {
  it('prints lowercase hex of the stored bytes, keeping a sign pad', () => {
    expect(serialToHex(Uint8Array.of(0x61, 0x00, 0x0a))).toBe('61000a');
    expect(serialToHex(Uint8Array.of(0x00, 0x80))).toBe('0080');
  });

  it('parses operator input (case, spaces, colons, odd length)', () => {
    expect(serialFromHex('61 00 0A')).toEqual(Uint8Array.of(0x61, 0x00, 0x0a));
    expect(serialFromHex('0080')).toEqual(Uint8Array.of(0x00, 0x80));
    expect(serialFromHex('1:23')).toEqual(Uint8Array.of(0x01, 0x23));
    const s = newSerialNumber();
    expect(serialFromHex(serialToHex(s).toUpperCase())).toEqual(s);
  });

  it('rejects what is not a valid certificate serial', () => {
    expect(() => serialFromHex('xyz')).toThrow(/expected hexadecimal/);
    expect(() => serialFromHex('')).toThrow(X509ArgumentError);
    expect(() => serialFromHex('80')).toThrow(/negative/);
    expect(() => serialFromHex('0001')).toThrow(/redundant leading zero/);
    expect(() => serialFromHex('00')).toThrow(/not zero/);
    expect(() => serialFromHex('01'.repeat(21))).toThrow(/at most 20/);
  });
});
