import { X509ParseError } from './x509-error';

/** A decoded PEM block. */
export interface PemBlock {
  /** The text between `-----BEGIN ` and `-----`, e.g. `CERTIFICATE`. */
  label: string;
  der: Uint8Array;
}

const PEM_RE = /-----BEGIN ([A-Z0-9 #]+)-----([\s\S]*?)-----END \1-----/;

/** Encodes DER as PEM with 64-character lines and a trailing newline (OpenSSL/RFC 7468 layout). */
export function toPem(der: Uint8Array, label: string): string {
  if (!/^[A-Z0-9 #]+$/.test(label)) throw new X509ParseError(`invalid PEM label "${label}"`);
  const b64 = Buffer.from(der.buffer, der.byteOffset, der.length).toString('base64');
  const lines = b64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/**
 * Decodes the first PEM block in `text`. Text before/after the block (e.g. OpenSSL's
 * "Certificate:" dump) is ignored; RFC 1421 headers ("Proc-Type: ...") are rejected.
 */
export function fromPem(text: string): PemBlock {
  const m = PEM_RE.exec(text);
  if (!m) throw new X509ParseError('no PEM block found (expected "-----BEGIN ...-----" / "-----END ...-----")');
  const label = m[1]!;
  const body = m[2]!;
  if (body.includes(':')) throw new X509ParseError(`PEM block "${label}" has headers; encrypted PEM is not supported`);
  return { label, der: decodeBase64Strict(body, `PEM block "${label}"`) };
}

/** Strict base64 (whitespace allowed, nothing else); Node's decoder silently skips junk. */
export function decodeBase64Strict(text: string, what: string): Uint8Array {
  const compact = text.replace(/\s+/g, '');
  if (compact.length === 0) throw new X509ParseError(`${what}: empty base64 body`);
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(compact) || compact.length % 4 === 1) {
    throw new X509ParseError(`${what}: invalid base64`);
  }
  return new Uint8Array(Buffer.from(compact, 'base64'));
}
