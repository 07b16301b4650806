import { describe, expect, it } from 'vitest';
import { bytesToHex, hexToBytes } from './der';
import { ecdsaDerToRaw, ecdsaRawToDer } from './ecdsa-signature';
import { X509ParseError } from './x509-error';

describe('ECDSA signature form conversion', () => {
  it('adds a 0x00 pad to high-bit halves and strips leading zeros', () => {
    const raw = new Uint8Array(64);
    raw[0] = 0x80; // r has top bit set → needs a pad byte
    raw[63] = 0x01; // s = 1 → minimal one-byte INTEGER
    const der = ecdsaRawToDer(raw);
    expect(bytesToHex(der)).toBe(`3026022100${'80'.padEnd(64, '0')}020101`);
    expect(ecdsaDerToRaw(der, 32)).toEqual(raw);
  });

  it('left-pads short components to the coordinate size', () => {
    expect(bytesToHex(ecdsaDerToRaw(hexToBytes('3006020101020102'), 4))).toBe('0000000100000002');
  });

  it('rejects malformed signatures', () => {
    expect(() => ecdsaDerToRaw(hexToBytes('3003020101'), 32)).toThrow(X509ParseError);
    expect(() => ecdsaDerToRaw(hexToBytes('300602010102010200'), 32)).toThrow(/trailing data/);
    expect(() => ecdsaDerToRaw(hexToBytes('3006020301020301'), 2)).toThrow();
    expect(() => ecdsaRawToDer(new Uint8Array(3))).toThrow(/odd length/);
  });
});
