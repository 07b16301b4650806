import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TempDir } from '../../../tooling/test/test-pki';
import { issueTestCertificate, makeTempDir, makeTestCa, opensslSelfSignedDer } from '../../../tooling/test/test-pki';
import { parseCertificate } from './certificate-info';
import {
  certificateTemplateInformation,
  certificateTemplateName,
  EXTENSION_OID,
  findExtension,
  keyIdentifierOf,
  subjectAltName,
  subjectKeyIdentifier,
} from './extensions';
import { readCertificateTemplate, readSubjectAltName, readSubjectKeyIdentifier } from './read-extension-values';
import { X509ParseError } from './x509-error';

let tmp: TempDir;
beforeAll(() => {
  tmp = makeTempDir();
});
afterAll(() => tmp?.remove());

describe('readSubjectAltName', () => {
  it('reads back every kind of name subjectAltName writes', () => {
    const names = {
      dns: ['a.certexit.test', 'b.certexit.test'],
      email: ['alice@certexit.test'],
      uri: ['https://certexit.test/alice'],
      ip: ['192.0.2.1', '2001:db8::1'],
      upn: ['alice@certexit.test'],
    };
    expect(readSubjectAltName(subjectAltName(names).value)).toEqual(names);
    expect(readSubjectAltName(subjectAltName({ dns: ['only.certexit.test'] }).value)).toEqual({
      dns: ['only.certexit.test'],
    });
  });

  it('reads the UPN and the names OpenSSL writes', async () => {
    const der = opensslSelfSignedDer(tmp.path, 'san', {
      addext: [
        'subjectAltName=DNS:www.certexit.test,otherName:1.3.6.1.4.1.311.20.2.3;UTF8:bob@corp.certexit.test,IP:2001:db8:0:0:1:0:0:1,IP:10.0.0.7',
      ],
    });
    const san = findExtension((await parseCertificate(der)).extensions, EXTENSION_OID.subjectAltName);
    expect(readSubjectAltName(san!.value)).toEqual({
      dns: ['www.certexit.test'],
      upn: ['bob@corp.certexit.test'],
      ip: ['2001:db8::1:0:0:1', '10.0.0.7'],
    });
  });

  it('refuses what is not GeneralNames', () => {
    expect(() => readSubjectAltName(Uint8Array.of(0x04, 0x00))).toThrow(X509ParseError);
    expect(() => readSubjectAltName(Uint8Array.of(0x30, 0x05, 0xa0, 0x03, 0x06, 0x01, 0x2a))).toThrow(
      /malformed otherName/,
    );
  });
});

describe('readSubjectKeyIdentifier', () => {
  it('gives the key identifier OpenSSL and subjectKeyIdentifier put in the extension', async () => {
    const info = await parseCertificate(
      opensslSelfSignedDer(tmp.path, 'ski', { addext: ['subjectKeyIdentifier=hash'] }),
    );
    const ski = findExtension(info.extensions, EXTENSION_OID.subjectKeyIdentifier);
    expect(Buffer.from(readSubjectKeyIdentifier(ski!.value)).toString('hex')).toBe(info.subjectKeyIdentifier);
    const ours = await subjectKeyIdentifier(info.subjectPublicKeyInfo);
    expect(readSubjectKeyIdentifier(ours.value)).toEqual(await keyIdentifierOf(info.subjectPublicKeyInfo));
    expect(() => readSubjectKeyIdentifier(Uint8Array.of(0x02, 0x01, 0x00))).toThrow(X509ParseError);
  });
});

describe('readCertificateTemplate', () => {
  it('reads the V2 template information and the V1 template name', () => {
    expect(
      readCertificateTemplate([
        certificateTemplateInformation('1.3.6.1.4.1.311.21.8.1.2', 100, 2),
        certificateTemplateName('User'),
      ]),
    ).toEqual({ oid: '1.3.6.1.4.1.311.21.8.1.2', majorVersion: 100, minorVersion: 2, name: 'User' });
    expect(readCertificateTemplate([])).toEqual({});
  });

  it('reads the template OID a certificate made by OpenSSL carries', async () => {
    const ca = makeTestCa(tmp.path, 'template-ca');
    const { der } = issueTestCertificate(tmp.path, ca, {
      cn: 'leaf',
      days: 1,
      templateOid: '1.3.6.1.4.1.311.21.8.9.9',
    });
    expect(readCertificateTemplate((await parseCertificate(der)).extensions)).toEqual({
      oid: '1.3.6.1.4.1.311.21.8.9.9',
      majorVersion: 100,
      minorVersion: 0,
    });
  });

  it('refuses a template name that is not a string', () => {
    const odd = { oid: EXTENSION_OID.certificateTemplateName, critical: false, value: Uint8Array.of(0x02, 0x01, 0x05) };
    expect(() => readCertificateTemplate([odd])).toThrow(/not a string/);
  });
});
