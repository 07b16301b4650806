import { DISP_E_TYPEMISMATCH } from '@certexit/core';
import { DispatchError } from './dispatch-error';

/** Any character above 0xFF: what a byte string may not hold. The regex engine scans natively. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: the range starts at U+0000 on purpose (every byte value).
const _NOT_A_BYTE = /[^\u0000-\u00ff]/;

/**
 * Bytes as a "byte string", one character per byte (char code 0–255): how a binary property (`PROPTYPE_BINARY`)
 * travels inside a `VT_BSTR`. The real BSTR holds raw bytes (`SysStringByteLen`, possibly odd), which UTF-16 text
 * cannot carry; one char per byte keeps every length and survives JSON.
 * @example bytesToByteString(new Uint8Array([0x30, 0x82])) // '0\x82'
 */
export function bytesToByteString(bytes: Uint8Array): string {
  // latin1 is exactly "one char per byte", done natively (a JS loop over a certificate cost more than the call).
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}

/**
 * The bytes of a byte string (see {@link bytesToByteString}).
 * @throws {DispatchError} `DISP_E_TYPEMISMATCH` when a character is above 0xFF, i.e. the text is no byte string.
 */
export function byteStringToBytes(text: string): Uint8Array {
  const bad = _NOT_A_BYTE.exec(text);
  if (bad) {
    const code = text.charCodeAt(bad.index);
    throw new DispatchError({
      hresult: DISP_E_TYPEMISMATCH,
      message: `not a byte string: character ${bad.index} is U+${code.toString(16).padStart(4, '0').toUpperCase()}`,
    });
  }
  return new Uint8Array(Buffer.from(text, 'latin1'));
}

/** True when every character of `text` is a byte (0–255). */
export function isByteString(text: string): boolean {
  return !_NOT_A_BYTE.test(text);
}
