import { describe, expect, it } from 'vitest';
import { decodeBase64Strict, fromPem, toPem } from './pem';
import { X509ParseError } from './x509-error';

describe('toPem / fromPem', () => {
  const der = Uint8Array.from({ length: 100 }, (_, i) => i);

  it('wraps at 64 characters and round-trips', () => {
    const pem = toPem(der, 'CERTIFICATE');
    const lines = pem.trimEnd().split('\n');
    expect(lines[0]).toBe('-----BEGIN CERTIFICATE-----');
    expect(lines.at(-1)).toBe('-----END CERTIFICATE-----');
    expect(lines[1]!.length).toBe(64);
    expect(pem.endsWith('\n')).toBe(true);
    expect(fromPem(pem)).toEqual({ label: 'CERTIFICATE', der });
  });

  it('finds the block inside surrounding text and tolerates CRLF', () => {
    const pem = `Certificate:\r\n  junk\r\n${toPem(der, 'X509 CRL').replace(/\n/g, '\r\n')}trailer`;
    expect(fromPem(pem)).toEqual({ label: 'X509 CRL', der });
  });

  it('rejects missing blocks, mismatched labels, bad base64 and encrypted PEM', () => {
    expect(() => fromPem('nothing here')).toThrow(X509ParseError);
    expect(() => fromPem('-----BEGIN A-----\nAAAA\n-----END B-----')).toThrow(/no PEM block/);
    expect(() => fromPem('-----BEGIN A-----\nAA*A\n-----END A-----')).toThrow(/invalid base64/);
    expect(() => fromPem('-----BEGIN A-----\nProc-Type: 4,ENCRYPTED\n\nAAAA\n-----END A-----')).toThrow(/encrypted/);
    expect(() => decodeBase64Strict('  ', 'x')).toThrow(/empty/);
    expect(() => toPem(der, 'bad label')).toThrow(/invalid PEM label/);
  });
});
