import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TempDir } from '../../../tooling/test/test-pki';
import { makeTempDir, opensslOk } from '../../../tooling/test/test-pki';
import { parseCertificate, verifyCertificateSignature } from './certificate-info';
import { NAME_OID, nameAttributeValues } from './distinguished-name';
import { EXTENSION_OID } from './extensions';
import { fromPem, toPem } from './pem';
import { X509ParseError } from './x509-error';

let tmp: TempDir;
let rootPem: string;
let leafPem: string;
let v1Pem: string;

beforeAll(() => {
  tmp = makeTempDir();
  const root = tmp.file('root.pem');
  opensslOk([
    'req',
    '-x509',
    '-new',
    '-nodes',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-384',
    '-keyout',
    tmp.file('root.key'),
    '-out',
    root,
    '-subj',
    '/DC=test/DC=certexit/CN=OpenSSL Root',
    '-days',
    '20000',
    '-set_serial',
    '0x00f1e2d3c4b5a6978800',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'subjectKeyIdentifier=hash',
  ]);
  rootPem = tmp.read('root.pem');
  opensslOk([
    'req',
    '-new',
    '-nodes',
    '-newkey',
    'rsa:2048',
    '-keyout',
    tmp.file('leaf.key'),
    '-out',
    tmp.file('leaf.csr'),
    '-subj',
    '/CN=leaf/emailAddress=leaf@certexit.test',
  ]);
  tmp.write('ext.cnf', 'subjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\nsubjectAltName=DNS:leaf.test\n');
  opensslOk([
    'x509',
    '-req',
    '-in',
    tmp.file('leaf.csr'),
    '-CA',
    root,
    '-CAkey',
    tmp.file('root.key'),
    '-set_serial',
    '4660',
    '-days',
    '30',
    '-extfile',
    tmp.file('ext.cnf'),
    '-out',
    tmp.file('leaf.pem'),
  ]);
  leafPem = tmp.read('leaf.pem');
  opensslOk([
    'x509',
    '-req',
    '-in',
    tmp.file('leaf.csr'),
    '-key',
    tmp.file('leaf.key'),
    '-days',
    '1',
    '-out',
    tmp.file('v1.pem'),
  ]);
  v1Pem = tmp.read('v1.pem');
});
afterAll(() => tmp?.remove());

const opensslField = (pem: string, arg: string) =>
  opensslOk(['x509', '-in', tmp.write('probe.pem', pem), '-noout', arg])
    .trim()
    .split('=')
    .slice(1)
    .join('=');

describe('parseCertificate on OpenSSL certificates', () => {
  it('reads a root: serial as stored, names, GeneralizedTime notAfter, SKI, thumbprint', async () => {
    const c = await parseCertificate(rootPem);
    expect(c.version).toBe(3);
    // OpenSSL stores 0x00f1... as INTEGER 00 f1 ...; we print the stored bytes.
    expect(c.serialNumberHex).toBe('00f1e2d3c4b5a6978800');
    expect(c.subjectDn).toBe('CN=OpenSSL Root, DC=certexit, DC=test');
    expect(c.issuerDn).toBe(c.subjectDn);
    expect(nameAttributeValues(c.subject).get(NAME_OID.domainComponent)).toEqual(['certexit', 'test']);
    expect(c.publicKeyLength).toBe(384);
    expect(c.signatureAlgorithmOid).toBe('1.2.840.10045.4.3.2');
    expect(c.notAfter.getUTCFullYear()).toBeGreaterThanOrEqual(2050);
    expect(c.notAfter.getTime()).toBe(new Date(opensslField(rootPem, '-enddate')).getTime());
    expect(c.notBefore.getTime()).toBe(new Date(opensslField(rootPem, '-startdate')).getTime());
    expect(c.sha1Thumbprint).toBe(opensslField(rootPem, '-fingerprint').replace(/:/g, '').toLowerCase());
    expect(c.subjectKeyIdentifier).toBe(
      opensslOk(['x509', '-in', tmp.file('root.pem'), '-noout', '-ext', 'subjectKeyIdentifier'])
        .split('\n')[1]!
        .trim()
        .replace(/:/g, '')
        .toLowerCase(),
    );
    expect(c.extensions.find((e) => e.oid === EXTENSION_OID.basicConstraints)?.critical).toBe(true);
    expect(await verifyCertificateSignature(c, c.subjectPublicKeyInfo)).toBe(true);
  });

  it('reads a leaf: AKI equals issuer SKI, signature verifies under the issuer key only', async () => {
    const root = await parseCertificate(rootPem);
    const leaf = await parseCertificate(fromPem(leafPem).der);
    expect(leaf.serialNumberHex).toBe('1234');
    expect(leaf.subjectDn).toBe('E=leaf@certexit.test, CN=leaf');
    expect(leaf.issuerDn).toBe('CN=OpenSSL Root, DC=certexit, DC=test');
    expect(leaf.authorityKeyIdentifier).toBe(root.subjectKeyIdentifier);
    expect(leaf.publicKeyLength).toBe(2048);
    expect(leaf.extensions.map((e) => e.oid)).toContain(EXTENSION_OID.subjectAltName);
    expect(await verifyCertificateSignature(leaf, root.subjectPublicKeyInfo)).toBe(true);
    expect(await verifyCertificateSignature(leaf, leaf.subjectPublicKeyInfo)).toBe(false);
  });

  it('reads a certificate without extensions', async () => {
    const c = await parseCertificate(v1Pem);
    expect(c.version).toBe(
      Number(/Version: (\d)/.exec(opensslOk(['x509', '-in', tmp.file('v1.pem'), '-noout', '-text']))?.[1]),
    );
    expect(c.subjectKeyIdentifier).toBeUndefined();
    expect(c.authorityKeyIdentifier).toBeUndefined();
  });

  it('rejects garbage and other PEM types', async () => {
    await expect(parseCertificate(Uint8Array.of(1, 2, 3))).rejects.toThrow(X509ParseError);
    await expect(parseCertificate(toPem(Uint8Array.of(0x30, 0), 'CERTIFICATE'))).rejects.toThrow(
      /not a DER X.509 certificate/,
    );
    await expect(parseCertificate(toPem(fromPem(leafPem).der, 'CERTIFICATE REQUEST'))).rejects.toThrow(
      /expected a "CERTIFICATE"/,
    );
    const truncated = fromPem(leafPem).der.slice(0, 200);
    await expect(parseCertificate(truncated)).rejects.toThrow(X509ParseError);
  });
});
