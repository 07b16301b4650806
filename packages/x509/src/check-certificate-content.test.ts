import { describe, expect, it } from 'vitest';
import { CertificateContentError } from './certificate-content-error';
import { checkCertificateContent, MAX_CERTIFICATE_BYTES } from './check-certificate-content';
import { encodeOid, encodeSequence, encodeTlv, TAG_BMP_STRING, TAG_SET, TAG_UTF8_STRING } from './der';
import { distinguishedNameToDer } from './distinguished-name';
import { basicConstraints, EXTENSION_OID } from './extensions';
import { dnsNameFault, emailAddressFault, upnFault } from './general-name-rules';
import { encodeGeneralName, subjectAltNameOf } from './general-names';
import { assertStrictDer } from './strict-der';

const SPKI = encodeSequence(
  encodeSequence(encodeOid('1.2.840.10045.2.1'), encodeOid('1.2.840.10045.3.1.7')),
  encodeTlv(0x03, Uint8Array.of(0, 4, ...new Uint8Array(64).fill(7))),
);

/** A Name of one RDN per value, each `[oid, tag, contents]`. */
function name(...values: Array<[string, number, Uint8Array]>): Uint8Array {
  return encodeSequence(
    ...values.map(([oid, tag, contents]) =>
      encodeTlv(TAG_SET, encodeSequence(encodeOid(oid), encodeTlv(tag, contents))),
    ),
  );
}

function faultOf(run: () => void): { fault: string; part: string; message: string } | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    if (!(error instanceof CertificateContentError)) throw error;
    return { fault: error.fault, part: error.part, message: error.message };
  }
}

const check = (
  subjectDer: Uint8Array,
  extensions = [] as Parameters<typeof checkCertificateContent>[0]['extensions'],
) => faultOf(() => checkCertificateContent({ subjectDer, subjectPublicKeyInfo: SPKI, extensions }));

describe('checkCertificateContent', () => {
  it('passes an ordinary subject and SAN', () => {
    const subject = distinguishedNameToDer('CN=www.certexit.test, O=certexit, C=DE');
    const san = subjectAltNameOf([
      { dns: 'www.certexit.test' },
      { dns: '*.certexit.test' },
      { upn: 'alice@certexit.test' },
    ]);
    expect(check(subject, [san, basicConstraints(false)])).toBeUndefined();
  });

  it('refuses a UTF8String CN that is not UTF-8, and an unpaired surrogate in a BMPString', () => {
    expect(check(name(['2.5.4.3', TAG_UTF8_STRING, Uint8Array.of(0x41, 0xc3, 0x28)]))).toMatchObject({
      fault: 'invalid-utf8-string',
      part: 'subject',
    });
    expect(check(name(['2.5.4.3', TAG_UTF8_STRING, Uint8Array.of(0xed, 0xa0, 0x80)]))?.fault).toBe(
      'invalid-utf8-string',
    );
    expect(check(name(['2.5.4.3', TAG_BMP_STRING, Uint8Array.of(0x00, 0x41, 0xd8, 0x00)]))).toMatchObject({
      fault: 'invalid-bmp-string',
    });
  });

  it('refuses control characters: NUL, CR/LF, C1, U+2028', () => {
    for (const text of ['a\u0000b', 'a\r\nb', 'a\u0085b', 'a\u2028b']) {
      const subject = name(['2.5.4.3', TAG_UTF8_STRING, new TextEncoder().encode(text)]);
      expect(check(subject), JSON.stringify(text)).toMatchObject({ fault: 'control-character' });
    }
  });

  it('refuses values over their RFC 5280 bound and names with too many values (110 OUs of 500 characters)', () => {
    const cn = name(['2.5.4.3', TAG_UTF8_STRING, new TextEncoder().encode('x'.repeat(65))]);
    expect(check(cn)).toMatchObject({ fault: 'too-long', message: expect.stringMatching(/65 characters.*64/) });
    const ous = Array.from(
      { length: 110 },
      () => ['2.5.4.11', TAG_UTF8_STRING, new TextEncoder().encode('o'.repeat(500))] as [string, number, Uint8Array],
    );
    expect(check(name(...ous))?.fault).toBe('too-long');
    const many = Array.from(
      { length: 65 },
      () => ['2.5.4.11', TAG_UTF8_STRING, new TextEncoder().encode('ou')] as [string, number, Uint8Array],
    );
    expect(check(name(...many))?.fault).toBe('too-many-values');
  });

  it('refuses an empty subject without a SAN, and with a non-critical SAN', () => {
    expect(check(encodeSequence())?.fault).toBe('empty-subject');
    expect(check(encodeSequence(), [subjectAltNameOf([{ dns: 'a.certexit.test' }])])?.message).toMatch(
      /must be critical/,
    );
    expect(check(encodeSequence(), [subjectAltNameOf([{ dns: 'a.certexit.test' }], true)])).toBeUndefined();
  });

  it('refuses a NUL inside a dNSName, bare and top-level wildcards, CRLF in a UPN', () => {
    const subject = distinguishedNameToDer('CN=x');
    const san = (...parts: Uint8Array[]) => ({
      oid: EXTENSION_OID.subjectAltName,
      critical: false,
      value: encodeSequence(...parts),
    });
    expect(
      check(subject, [san(encodeTlv(0x82, new TextEncoder().encode('evil.com\u0000.certexit.test')))]),
    ).toMatchObject({
      fault: 'control-character',
      part: 'subjectAltName',
    });
    expect(check(subject, [subjectAltNameOf([{ dns: '*' }])])?.fault).toBe('wildcard');
    expect(check(subject, [subjectAltNameOf([{ dns: '*.com' }])])?.fault).toBe('wildcard');
    expect(check(subject, [subjectAltNameOf([{ dns: 'a*.certexit.test' }])])?.fault).toBe('wildcard');
    expect(check(subject, [subjectAltNameOf([{ upn: 'admin\r\n@certexit.test' }])])?.fault).toBe('control-character');
    expect(check(subject, [subjectAltNameOf([{ email: 'not-an-address' }])])?.fault).toBe('invalid-name');
  });

  it('refuses a critical SAN that is not GeneralNames, and one with trailing bytes', () => {
    const subject = distinguishedNameToDer('CN=x');
    expect(
      check(subject, [{ oid: EXTENSION_OID.subjectAltName, critical: true, value: encodeTlv(0x04, Uint8Array.of(1)) }]),
    ).toMatchObject({
      fault: 'malformed',
    });
    const good = encodeGeneralName({ dns: 'a.certexit.test' });
    const trailing = Uint8Array.of(...encodeSequence(good), 0x00, 0x00);
    expect(check(subject, [{ oid: EXTENSION_OID.subjectAltName, critical: false, value: trailing }])).toMatchObject({
      fault: 'malformed',
      message: expect.stringMatching(/trailing/),
    });
  });

  it('refuses unknown critical extensions and DER that is not strict', () => {
    const subject = distinguishedNameToDer('CN=x');
    expect(check(subject, [{ oid: '1.2.3.4', critical: true, value: Uint8Array.of(0x05, 0x00) }])?.fault).toBe(
      'unknown-critical-extension',
    );
    // 0x81 0x02: a length of 2 in the long form.
    const longForm = Uint8Array.of(0x30, 0x81, 0x02, 0x05, 0x00);
    expect(check(subject, [{ oid: '1.2.3.4', critical: false, value: longForm }])).toMatchObject({
      fault: 'malformed',
      message: expect.stringMatching(/long form/),
    });
  });

  it('refuses a certificate over the size limit', () => {
    expect(
      faultOf(() =>
        checkCertificateContent({
          subjectDer: distinguishedNameToDer('CN=x'),
          subjectPublicKeyInfo: SPKI,
          extensions: [],
          tbsLength: MAX_CERTIFICATE_BYTES + 1,
        }),
      )?.fault,
    ).toBe('too-large');
  });
});

describe('name shapes', () => {
  it('judges DNS names', () => {
    expect(dnsNameFault('www.certexit.test')).toBeUndefined();
    expect(dnsNameFault('*.certexit.test', { wildcard: true })).toBeUndefined();
    expect(dnsNameFault('*.certexit.test')).toMatch(/wildcard/);
    expect(dnsNameFault('-bad.certexit.test')).toMatch(/label/);
    expect(dnsNameFault('under_score.test')).toMatch(/label/);
    expect(dnsNameFault('10.0.0.1')).toMatch(/numeric/);
    expect(dnsNameFault(`${'a'.repeat(64)}.test`)).toMatch(/63/);
  });

  it('judges e-mail addresses and UPNs', () => {
    expect(emailAddressFault('alice@certexit.test')).toBeUndefined();
    expect(emailAddressFault('alice..x@certexit.test')).toMatch(/dot-atom/);
    expect(emailAddressFault('alice@*.test')).toMatch(/domain/);
    expect(upnFault('alice@certexit.test')).toBeUndefined();
    expect(upnFault('alice smith@certexit.test')).toMatch(/spaces/);
    expect(upnFault('alice@')).toMatch(/prefix@suffix/);
  });

  it('finds non-minimal INTEGERs and bad BOOLEANs', () => {
    expect(() => assertStrictDer(Uint8Array.of(0x02, 0x02, 0x00, 0x01), 'x')).toThrow(/INTEGER in more bytes/);
    expect(() => assertStrictDer(Uint8Array.of(0x01, 0x01, 0x01), 'x')).toThrow(/BOOLEAN/);
    expect(() => assertStrictDer(Uint8Array.of(0x30, 0x00, 0x00), 'x')).toThrow(/trailing/);
    expect(() => assertStrictDer(Uint8Array.of(0x30, 0x03, 0x02, 0x01, 0x05), 'x')).not.toThrow();
  });
});
