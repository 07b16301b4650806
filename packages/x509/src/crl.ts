/** Building and signing v2 CRLs, base and delta (RFC 5280 §5), from a list of entries. */
import type { CrlHeaderInput } from './crl-encoder';
import { CrlEncoder } from './crl-encoder';
import { bytesToHex } from './der';
import { X509ArgumentError } from './x509-error';

/** One revoked certificate. */
export interface CrlEntry {
  /** INTEGER content octets of the certificate serial. */
  serialNumber: Uint8Array;
  revocationDate: Date;
  /** RFC 5280 reason code; 0 (unspecified) or undefined writes no reasonCode extension. */
  reason?: number;
}

/** Input of {@link createCrl}. */
export interface CreateCrlInput extends CrlHeaderInput {
  entries: readonly CrlEntry[];
}

/**
 * Encodes and signs a v2 CRL (DER) from a list of entries, with the extensions and rules of {@link CrlEncoder}
 * (which a CRL built from the database uses directly, to stream its entries). Rejects a serial listed twice.
 */
export async function createCrl(input: CreateCrlInput): Promise<Uint8Array> {
  const encoder = new CrlEncoder(input, input.entries.length);
  const seen = new Set<string>();
  for (const entry of input.entries) {
    const hex = bytesToHex(entry.serialNumber);
    if (seen.has(hex)) throw new X509ArgumentError(`CRL: serial ${hex} is listed twice`);
    seen.add(hex);
    encoder.addEntry(
      entry.serialNumber,
      0,
      entry.serialNumber.length,
      entry.revocationDate.getTime(),
      entry.reason ?? 0,
    );
  }
  return encoder.finish();
}
