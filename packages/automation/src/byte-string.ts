import { DISP_E_TYPEMISMATCH } from '@certexit/core';
import { DispatchError } from './dispatch-error';

/** Characters per `String.fromCharCode` call: large buffers would overflow the argument stack otherwise. */
const _CHUNK = 0x8000;

/**
 * Bytes as a "byte string", one character per byte (char code 0–255): how a binary property (`PROPTYPE_BINARY`)
 * travels inside a `VT_BSTR`. The real BSTR holds raw bytes (`SysStringByteLen`, possibly odd), which UTF-16 text
 * cannot carry; one char per byte keeps every length and survives JSON.
 * @example bytesToByteString(new Uint8Array([0x30, 0x82])) // '0\x82'
 */
export function bytesToByteString(bytes: Uint8Array): string {
  let text = '';
  for (let start = 0; start < bytes.length; start += _CHUNK) {
    text += String.fromCharCode(...bytes.subarray(start, start + _CHUNK));
  }
  return text;
}

/**
 * The bytes of a byte string (see {@link bytesToByteString}).
 * @throws {DispatchError} `DISP_E_TYPEMISMATCH` when a character is above 0xFF, i.e. the text is no byte string.
 */
export function byteStringToBytes(text: string): Uint8Array {
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code > 0xff) {
      throw new DispatchError({
        hresult: DISP_E_TYPEMISMATCH,
        message: `not a byte string: character ${i} is U+${code.toString(16).padStart(4, '0').toUpperCase()}`,
      });
    }
    bytes[i] = code;
  }
  return bytes;
}

/** True when every character of `text` is a byte (0–255). */
export function isByteString(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0xff) return false;
  return true;
}
