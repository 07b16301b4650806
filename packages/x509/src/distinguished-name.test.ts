import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TempDir } from '../../../tooling/test/test-pki';
import { makeTempDir, opensslOk } from '../../../tooling/test/test-pki';
import { parseCertificationRequest } from './certification-request';
import { createCertificationRequest } from './create-certification-request';
import { bytesToHex, readChildren, readSingleElement } from './der';
import {
  distinguishedNameToDer,
  NAME_OID,
  nameAttributeValues,
  nameFromDer,
  nameToDer,
  nameToString,
  parseDistinguishedName,
} from './distinguished-name';
import { generateKeyPair } from './key-algorithm';
import { toPem } from './pem';
import { X509ArgumentError } from './x509-error';

/** [tag, text] of each AVA in DER order (RDN by RDN). */
function avaTags(der: Uint8Array): Array<[number, string]> {
  const out: Array<[number, string]> = [];
  for (const rdn of readChildren(readSingleElement(der, 'n').contents)) {
    for (const ava of readChildren(rdn.contents)) {
      const [, value] = readChildren(ava.contents);
      out.push([value!.tag, Buffer.from(value!.contents).toString('utf8')]);
    }
  }
  return out;
}

describe('parseDistinguishedName / nameToString', () => {
  it('reads most-specific-first and stores root-first (RFC 4514 / Windows order)', () => {
    const name = parseDistinguishedName('CN=Demo Root CA,O=certexit,C=DE');
    expect(avaTags(nameToDer(name))).toEqual([
      [0x13, 'DE'],
      [0x13, 'certexit'],
      [0x13, 'Demo Root CA'],
    ]);
    expect(nameToString(name)).toBe('CN=Demo Root CA, O=certexit, C=DE');
  });

  it('uses the string types RFC 5280 / PKCS#9 require', () => {
    const der = distinguishedNameToDer('E=alice@certexit.test, CN=Jürgen, DC=certexit, DC=test, C=DE');
    expect(avaTags(der)).toEqual([
      [0x13, 'DE'], // PrintableString
      [0x16, 'test'], // IA5String
      [0x16, 'certexit'],
      [0x0c, 'Jürgen'], // UTF8String (not printable)
      [0x16, 'alice@certexit.test'], // IA5String
    ]);
  });

  it('prints Windows keywords (S, E, T, G, I, SERIALNUMBER, OID.x) and accepts aliases', () => {
    const dn = 'ST=Bavaria, emailAddress=a@b.c, title=Boss, GN=Ann, initials=AB, SN=Smith, SERIALNUMBER=42, 1.2.3.4=x';
    expect(nameToString(parseDistinguishedName(dn))).toBe(
      'S=Bavaria, E=a@b.c, T=Boss, G=Ann, I=AB, SN=Smith, SERIALNUMBER=42, OID.1.2.3.4=x',
    );
  });

  it('returns multi-valued attribute lists in string order', () => {
    const values = nameAttributeValues(parseDistinguishedName('CN=alice, OU=Users, OU=Staff, DC=certexit, DC=test'));
    expect(values.get(NAME_OID.domainComponent)).toEqual(['certexit', 'test']);
    expect(values.get(NAME_OID.organizationalUnit)).toEqual(['Users', 'Staff']);
    expect(values.get(NAME_OID.commonName)).toEqual(['alice']);
    expect(values.has(NAME_OID.country)).toBe(false);
  });

  it('handles multi-valued RDNs with " + " and DER-sorted members', () => {
    const der = distinguishedNameToDer('OU=y+CN=x, O=org');
    // CN (2.5.4.3) sorts before OU (2.5.4.11) in DER.
    expect(avaTags(der).map(([, t]) => t)).toEqual(['org', 'x', 'y']);
    expect(nameToString(der)).toBe('CN=x + OU=y, O=org');
  });

  const specials = [
    'Doe, John',
    'a+b',
    'say "hi"',
    '""',
    ' leading',
    'trailing ',
    '#hash',
    'x=y',
    'semi;colon',
    'back\\slash',
    'back\\"slash-quote',
    '<tag>',
    'Müller 日本',
    'line\nbreak',
  ];
  for (const value of specials) {
    it(`round-trips ${JSON.stringify(value)} through string form`, () => {
      const name = parseDistinguishedName(`CN="${value.replace(/\\/g, '\\\\').replace(/"/g, '""')}", O=x`);
      expect(nameAttributeValues(name).get(NAME_OID.commonName)).toEqual([value]);
      const printed = nameToString(name);
      const again = parseDistinguishedName(printed);
      expect(bytesToHex(nameToDer(again))).toBe(bytesToHex(nameToDer(name)));
      expect(nameToString(again)).toBe(printed);
    });
  }

  it('quotes the Windows way', () => {
    expect(nameToString(parseDistinguishedName('CN=Doe\\, John, O=a\\+b'))).toBe('CN="Doe, John", O="a+b"');
    expect(nameToString(parseDistinguishedName('CN=say \\"hi\\"'))).toBe('CN="say ""hi"""');
  });

  it('accepts RFC 4514 escapes, hex pairs, semicolons and #hex values', () => {
    const name = parseDistinguishedName(
      'CN=M\\C3\\BCller\\, Hans; O=\\#1\\ ; OID.1.2.3.4=#0c03616263; 1.2.3.5=#020105',
    );
    expect(nameToString(name)).toBe('CN="Müller, Hans", O="#1 ", OID.1.2.3.4=abc, OID.1.2.3.5=#020105');
    expect(nameAttributeValues(name).get('1.2.3.5')).toEqual(['#020105']);
  });

  it('gives the empty name for an empty string', () => {
    const name = parseDistinguishedName('  ');
    expect(bytesToHex(nameToDer(name))).toBe('3000');
    expect(nameToString(name)).toBe('');
  });

  const bad: Array<[string, RegExp]> = [
    ['CN', /missing "="/],
    ['XX=foo', /unknown attribute type "XX"/],
    ['C=Germany', /two-letter/],
    ['CN="open', /unterminated quoted value/],
    ['CN=a"b', /unexpected quote/],
    ['E=ü@x.de', /must be ASCII/],
    ['CN=', /empty value/],
    ['CN=a,,O=b', /missing attribute type/],
    ['CN=x\\q', /invalid escape/],
    ['CN=\\C3', /valid UTF-8/],
    ['CN=#0c0', /even number of hex digits/],
    ['CN=#0c05', /not a single DER value/],
    ['CN="a" b', /unexpected "b"/],
  ];
  for (const [dn, msg] of bad) {
    it(`rejects ${JSON.stringify(dn)}`, () => {
      expect(() => parseDistinguishedName(dn)).toThrow(X509ArgumentError);
      expect(() => parseDistinguishedName(dn)).toThrow(msg);
    });
  }

  it('round-trips Names through DER without changing bytes', () => {
    const der = distinguishedNameToDer('CN=x + OU=y, E=a@b.c, L=Köln, C=DE');
    expect(bytesToHex(nameToDer(nameFromDer(der)))).toBe(bytesToHex(der));
  });

  it('keeps and decodes BMP, Teletex, Universal, Numeric, Visible strings and non-string values', () => {
    // CN values as BMPString "A", T61String "é" (Latin-1), UniversalString "€", NumericString "1", VisibleString "v".
    const dn = 'CN=#1e020041, CN=#1401e9, CN=#1c04000020ac, SERIALNUMBER=#120131, O=#1a0176, OID.1.2.3=#3000';
    const der = distinguishedNameToDer(dn);
    expect(bytesToHex(nameToDer(nameFromDer(der)))).toBe(bytesToHex(der));
    expect(nameToString(der)).toBe('CN=A, CN=é, CN=€, SERIALNUMBER=1, O=v, OID.1.2.3=#3000');
  });
});

describe('names against OpenSSL', () => {
  let tmp: TempDir;
  beforeAll(() => {
    tmp = makeTempDir();
  });
  afterAll(() => tmp?.remove());

  it('OpenSSL reads our special-character subject as the same RFC 2253 name', async () => {
    const keyPair = await generateKeyPair('ECDSA_P256');
    const der = await createCertificationRequest({
      keyPair,
      keyAlgorithm: 'ECDSA_P256',
      subject: 'CN="Doe, John ""JD""" + OU=y, O="a+b", DC=certexit, C=DE',
    });
    const path = tmp.write('dn.csr', toPem(der, 'CERTIFICATE REQUEST'));
    const out = opensslOk(['req', '-in', path, '-noout', '-subject', '-nameopt', 'RFC2253']);
    expect(out.trim()).toBe('subject=CN=Doe\\, John \\"JD\\"+OU=y,O=a\\+b,DC=certexit,C=DE');
  });

  it('we read an OpenSSL special-character subject (UTF8String, multi-valued RDN)', async () => {
    const key = tmp.file('k.key');
    const csr = tmp.file('o.csr');
    opensslOk([
      'req',
      '-new',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      key,
      '-out',
      csr,
      '-utf8',
      '-subj',
      '/C=DE/O=a\\+b/CN=Doe, John "JD"/CN=x+OU=Zürich',
    ]);
    const r = await parseCertificationRequest(tmp.read('o.csr'));
    expect(r.subjectDn).toBe('CN=x + OU=Zürich, CN="Doe, John ""JD""", O="a+b", C=DE');
    expect(nameAttributeValues(r.subjectDer).get(NAME_OID.commonName)).toEqual(['x', 'Doe, John "JD"']);
  });
});
