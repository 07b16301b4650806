import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TempDir } from '../../../tooling/test/test-pki';
import { makeTempDir, opensslOk, opensslSelfSignedDer } from '../../../tooling/test/test-pki';
import { readCertificateBundle } from './certificate-bundle';
import { toPem } from './pem';

let tmp: TempDir;
beforeAll(() => {
  tmp = makeTempDir();
});
afterAll(() => tmp?.remove());

describe('readCertificateBundle', () => {
  it('reads DER, PEM with several blocks, and a PKCS#7 chain that OpenSSL built (DER and PEM)', () => {
    const a = opensslSelfSignedDer(tmp.path, 'a', { addext: ['basicConstraints=critical,CA:TRUE'] });
    const b = opensslSelfSignedDer(tmp.path, 'b', { addext: ['basicConstraints=critical,CA:TRUE'] });
    expect(readCertificateBundle(a)).toEqual([a]);
    const chainPem = tmp.write('chain.pem', toPem(a, 'CERTIFICATE') + toPem(b, 'CERTIFICATE'));
    expect(readCertificateBundle(readFileSync(chainPem, 'utf8'))).toEqual([a, b]);
    expect(readCertificateBundle(new Uint8Array(readFileSync(chainPem)))).toEqual([a, b]);
    opensslOk(['crl2pkcs7', '-nocrl', '-certfile', chainPem, '-outform', 'DER', '-out', tmp.file('chain.p7b')]);
    expect(readCertificateBundle(new Uint8Array(readFileSync(tmp.file('chain.p7b'))))).toEqual([a, b]);
    opensslOk(['crl2pkcs7', '-nocrl', '-certfile', chainPem, '-out', tmp.file('chain.p7b.pem')]);
    expect(readCertificateBundle(readFileSync(tmp.file('chain.p7b.pem'), 'utf8'))).toEqual([a, b]);
  });

  it('names what is wrong with input that holds no certificate', () => {
    expect(() => readCertificateBundle('hello')).toThrow(/expected PEM text/);
    expect(() => readCertificateBundle('-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n')).toThrow(
      /no CERTIFICATE or PKCS7 block/,
    );
    expect(() => readCertificateBundle(Uint8Array.of(0x30, 0x82, 0x01))).toThrow(/truncated|exceeds/);
    // A PKCS#7 data (not signedData) content.
    const data = Uint8Array.of(
      0x30,
      0x0d,
      0x06,
      0x09,
      0x2a,
      0x86,
      0x48,
      0x86,
      0xf7,
      0x0d,
      0x01,
      0x07,
      0x01,
      0xa0,
      0x00,
    );
    expect(() => readCertificateBundle(data)).toThrow(/PKCS#7 of type 1\.2\.840\.113549\.1\.7\.1, not signedData/);
  });
});
