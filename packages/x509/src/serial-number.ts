/**
 * Certificate serial numbers, handled as the content octets of the DER INTEGER (big-endian,
 * two's complement, minimal) — exactly the bytes that appear in the certificate and CRL.
 */
import { randomFillSync } from 'node:crypto';
import { bytesToHex, hexToBytes } from './der';
import { X509ArgumentError } from './x509-error';

/** Length of generated serials: 16 bytes, comfortably above the CA/B Forum 64-bit entropy minimum. */
export const SERIAL_NUMBER_LENGTH = 16;

/**
 * A fresh random serial: 16 bytes, positive and minimal as a DER INTEGER. The top byte is
 * forced into 0x40..0x7f (top bit clear → positive without a 0x00 pad; second bit set →
 * never a leading zero byte, so the length is always 16), leaving 126 random bits.
 */
export function newSerialNumber(): Uint8Array {
  if (_poolOffset + SERIAL_NUMBER_LENGTH > _pool.length) {
    randomFillSync(_pool);
    _poolOffset = 0;
  }
  const bytes = _pool.slice(_poolOffset, _poolOffset + SERIAL_NUMBER_LENGTH);
  _poolOffset += SERIAL_NUMBER_LENGTH;
  bytes[0] = (bytes[0]! & 0x3f) | 0x40;
  return bytes;
}

// CSPRNG output fetched 256 serials at a time (as node's randomUUID caches its random bytes): one call per
// serial cost more than encoding the certificate's whole validity. Each byte is handed out once.
const _pool = new Uint8Array(SERIAL_NUMBER_LENGTH * 256);
let _poolOffset = _pool.length;

/**
 * Lowercase hex of the serial as stored (the INTEGER content octets), like the AD CS
 * `SerialNumber` property. Bytes are printed as-is: a serial encoded with a 0x00 sign byte keeps it,
 * so the string maps back to the same encoding via {@link serialFromHex}.
 */
export function serialToHex(serial: Uint8Array): string {
  return bytesToHex(serial);
}

/**
 * Parses a serial typed by an operator (AD CS style: any case, spaces allowed, e.g.
 * `"61 00 00 00 05"`) back to INTEGER content octets. Odd-length input gets a leading zero nibble.
 */
export function serialFromHex(hex: string): Uint8Array {
  const compact = hex.replace(/[\s:]/g, '');
  if (compact.length === 0 || !/^[0-9a-fA-F]+$/.test(compact)) {
    throw new X509ArgumentError(`invalid serial number "${hex}": expected hexadecimal digits`);
  }
  const bytes = hexToBytes(compact.length % 2 === 1 ? `0${compact}` : compact);
  assertValidSerialNumber(bytes);
  return bytes;
}

/**
 * RFC 5280 §4.1.2.2: a positive INTEGER of at most 20 octets. Also insists on minimal DER
 * (no redundant leading 0x00), since the bytes are embedded verbatim.
 */
export function assertValidSerialNumber(serial: Uint8Array): void {
  if (serial.length === 0) throw new X509ArgumentError('serial number is empty');
  if (serial.length > 20) throw new X509ArgumentError(`serial number is ${serial.length} bytes; at most 20 allowed`);
  const first = serial[0]!;
  if ((first & 0x80) !== 0) throw new X509ArgumentError('serial number is negative (top bit set without a 0x00 pad)');
  if (serial.length > 1 && first === 0 && (serial[1]! & 0x80) === 0) {
    throw new X509ArgumentError('serial number has a redundant leading zero byte (not minimal DER)');
  }
  if (serial.length === 1 && first === 0) throw new X509ArgumentError('serial number must be positive, not zero');
}
