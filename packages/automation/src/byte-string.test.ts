import { DISP_E_TYPEMISMATCH } from '@certexit/core';
import { describe, expect, it } from 'vitest';
import { byteStringToBytes, bytesToByteString, isByteString } from './byte-string';

describe('byte strings', () => {
  it('carry all 256 byte values, one char per byte', () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    const text = bytesToByteString(all);
    expect(text).toHaveLength(256);
    for (let i = 0; i < 256; i++) expect(text.charCodeAt(i)).toBe(i);
    expect(byteStringToBytes(text)).toEqual(all);
    expect(isByteString(text)).toBe(true);
    // Survives JSON, which a later out-of-process transport needs.
    expect(byteStringToBytes(JSON.parse(JSON.stringify(text)) as string)).toEqual(all);
  });

  it('keeps odd lengths, empty buffers and buffers larger than one chunk', () => {
    expect(bytesToByteString(new Uint8Array(0))).toBe('');
    expect(byteStringToBytes('\x30\x82\x01')).toEqual(Uint8Array.of(0x30, 0x82, 0x01));
    const big = Uint8Array.from({ length: 200_003 }, (_, i) => (i * 7) & 0xff);
    expect(byteStringToBytes(bytesToByteString(big))).toEqual(big);
    // A view into a larger buffer converts only its own bytes.
    expect(bytesToByteString(big.subarray(1, 3))).toBe('\x07\x0e');
  });

  it('refuses text that is not a byte string', () => {
    expect(isByteString('caf\u00e9')).toBe(true);
    expect(isByteString('\u20ac')).toBe(false);
    expect(() => byteStringToBytes('ab\u20ac')).toThrow(
      expect.objectContaining({
        hresult: DISP_E_TYPEMISMATCH,
        message: expect.stringContaining('character 2 is U+20AC'),
      }),
    );
  });
});
