import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { opensslOk, opensslRequest } from '../../../../../tooling/test/test-pki';
import { cliOnFolder } from '../../../test/support/run-cli-in-process';

const work = mkdtempSync(join(tmpdir(), 'certexit-cli-dump-'));
const dir = join(work, 'ca');

const { cli } = cliOnFolder(dir);

let leaf: string;
let csr: string;
beforeAll(async () => {
  expect((await cli('setup', '--name', 'Dump CA')).code).toBe(0);
  expect((await cli('catemplates', '+WebServer')).code).toBe(0);
  csr = join(work, 'www.csr');
  opensslOk([
    'req',
    '-new',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    join(work, 'www.key'),
    '-subj',
    '/CN=www.dump.test',
    '-addext',
    'subjectAltName=DNS:www.dump.test,DNS:alt.dump.test',
    '-out',
    csr,
  ]);
  leaf = join(work, 'leaf.pem');
  expect((await cli('submit', '--attrib', 'CertificateTemplate:WebServer', csr, leaf)).code).toBe(0);
  const kept = join(work, 'kept.pem');
  expect(
    (await cli('submit', '--attrib', 'CertificateTemplate:WebServer', opensslRequest(work, 'kept').csr, kept)).code,
  ).toBe(0);
  const serial = opensslOk(['x509', '-in', kept, '-noout', '-serial']).trim().split('=')[1]!;
  expect((await cli('revoke', serial, 'KeyCompromise')).code).toBe(0);
  expect((await cli('crl')).code).toBe(0);
}, 60_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('certexit dump', () => {
  it('decodes a certificate as certutil -dump does, agreeing with OpenSSL (PEM, DER and bare base64)', {
    timeout: 30_000,
  }, async () => {
    const pem = await cli('dump', leaf);
    expect(pem.code, pem.err.join('\n')).toBe(0);
    const serial = opensslOk(['x509', '-in', leaf, '-noout', '-serial']).trim().split('=')[1]!.toLowerCase();
    const sha256 = opensslOk(['x509', '-in', leaf, '-noout', '-fingerprint', '-sha256'])
      .split('=')[1]!
      .trim()
      .replace(/:/g, '')
      .toLowerCase();
    expect(pem.out[0]).toBe('X509 Certificate:');
    expect(pem.out).toContain('Version: 3');
    expect(pem.out).toContain(`Serial Number: ${serial}`);
    expect(pem.out).toContain(`Cert Hash(sha256): ${sha256}`);
    expect(pem.out).toContain('    CN=Dump CA');
    expect(pem.out).toContain('    CN=www.dump.test');
    expect(pem.text).toMatch(
      /2\.5\.29\.17: Flags = 0, Length = [0-9a-f]+\n {4}Subject Alternative Name\n {8}DNS Name=www\.dump\.test\n {8}DNS Name=alt\.dump\.test/,
    );
    expect(pem.text).toMatch(/2\.5\.29\.15: Flags = 1\(Critical\), Length = 4\n {4}Key Usage/);
    expect(pem.text).toMatch(/Enhanced Key Usage\n {8}Server Authentication \(1\.3\.6\.1\.5\.5\.7\.3\.1\)/);
    expect(pem.text).toMatch(/Authority Key Identifier/);
    expect(pem.text).toMatch(/CRL Distribution Points/);
    expect(pem.text).toMatch(/Certificate Template (Name|Information)/);
    const der = join(work, 'leaf.der');
    opensslOk(['x509', '-in', leaf, '-outform', 'DER', '-out', der]);
    expect((await cli('dump', der)).out).toEqual(pem.out);
    const base64 = join(work, 'leaf.b64');
    writeFileSync(base64, readFileSync(der).toString('base64'));
    expect((await cli('dump', base64)).out).toEqual(pem.out);
  });

  it('decodes a CRL with its entries and reasons, a request, and a PKCS#7 bundle', { timeout: 30_000 }, async () => {
    const crlFile = join(dir, 'CertEnroll', 'Dump CA.crl');
    const crl = await cli('dump', crlFile);
    expect(crl.code, crl.err.join('\n')).toBe(0);
    const number = opensslOk(['crl', '-inform', 'DER', '-in', crlFile, '-noout', '-crlnumber']).trim().split('=')[1]!;
    expect(crl.out[0]).toBe('X509 Certificate Revocation List:');
    expect(crl.out).toContain('CRL Entries: 1');
    expect(crl.text).toMatch(/CRL Reason Code\n\s+Key Compromise \(1\)/);
    expect(crl.text).toContain(`CRL Number=${BigInt(number).toString(16)}`);
    expect(crl.text).toMatch(/Next CRL Publish\n\s+\d{4}-\d\d-\d\dT/);

    const request = await cli('--json', 'dump', csr);
    const parsed = JSON.parse(request.text) as { kind: string; lines: string[] };
    expect(parsed.kind).toBe('request');
    expect(parsed.lines).toContain('    CN=www.dump.test');
    expect(parsed.lines).toContain('Signature matches Public Key');

    const p7b = join(work, 'chain.p7b');
    opensslOk(['crl2pkcs7', '-nocrl', '-certfile', leaf, '-outform', 'DER', '-out', p7b]);
    const bundle = await cli('dump', p7b);
    expect(bundle.out.slice(0, 3)).toEqual(['PKCS7 Message:', '  CMSG_SIGNED(2)', '  Certificates: 1']);
    expect(bundle.out).toContain('    CN=www.dump.test');

    const garbage = join(work, 'garbage.bin');
    writeFileSync(garbage, Buffer.from([0x30, 0x03, 0x02, 0x01, 0x05]));
    const bad = await cli('dump', garbage);
    expect(bad.code).toBe(1);
    expect(bad.err.join()).toMatch(/not a certificate, certificate request, CRL or PKCS#7/);
  });
});
