import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TempDir } from '../../../tooling/test/test-pki';
import { makeTempDir, openssl } from '../../../tooling/test/test-pki';
import { createSelfSignedCaCertificate } from './ca-certificate';
import { parseCertificate } from './certificate-info';
import type { CrlHeaderInput } from './crl-encoder';
import { CrlEncoder } from './crl-encoder';
import { parseCrl } from './crl-info';
import { encodeTime, hexToBytes, readChildren, readSingleElement, TAG_GENERALIZED_TIME, TAG_UTC_TIME } from './der';
import { generateKeyPair } from './key-algorithm';
import { toPem } from './pem';

const NOW = new Date('2026-06-01T12:00:00Z');
let tmp: TempDir;
let header: CrlHeaderInput;
let caPath: string;

beforeAll(async () => {
  tmp = makeTempDir('certexit-crl-encoder-');
  const keyPair = await generateKeyPair('ECDSA_P256');
  const caDer = await createSelfSignedCaCertificate({
    keyPair,
    keyAlgorithm: 'ECDSA_P256',
    subjectDn: 'CN=Encoder Test CA',
    notBefore: new Date(NOW.getTime() - 86_400_000),
    notAfter: new Date(NOW.getTime() + 3650 * 86_400_000),
    certIndex: 0,
    keyIndex: 0,
  });
  const ca = await parseCertificate(caDer);
  caPath = tmp.write('ca.pem', toPem(caDer, 'CERTIFICATE'));
  header = {
    issuerName: ca.subjectDer,
    issuerKey: keyPair.privateKey,
    keyAlgorithm: 'ECDSA_P256',
    authorityKeyId: hexToBytes(ca.subjectKeyIdentifier!),
    crlNumber: 9,
    thisUpdate: NOW,
    nextUpdate: new Date(NOW.getTime() + 7 * 86_400_000),
  };
});
afterAll(() => tmp?.remove());

/** The revocationDate elements of a CRL's entries, as written. */
function entryTimes(der: Uint8Array) {
  const [tbs] = readChildren(readSingleElement(der, 'CRL').contents);
  const revoked = readChildren(tbs!.contents).find((e, i) => i > 4 && e.tag === 0x30)!;
  return readChildren(revoked.contents).map((entry) => readChildren(entry.contents)[1]!);
}

describe('CrlEncoder', () => {
  it('writes revocation times exactly as encodeTime does, UTCTime for 1950-2049 and GeneralizedTime otherwise', async () => {
    const dates = [
      '1949-12-31T23:59:59.999Z',
      '1950-01-01T00:00:00Z',
      '1969-07-20T20:17:40.5Z',
      '2000-02-29T12:34:56Z',
      '2049-12-31T23:59:59Z',
      '2050-01-01T00:00:00Z',
      '2100-03-01T00:00:01Z',
      '9999-12-31T23:59:59Z',
    ].map((d) => new Date(d));
    for (let i = 0; i < 200; i++)
      dates.push(new Date(Date.UTC(1900, 0, 1) + Math.floor(Math.random() * 300 * 365.25 * 86_400_000)));
    const encoder = new CrlEncoder(header);
    const serial = new Uint8Array(2);
    dates.forEach((date, i) => {
      serial[0] = 0x10 + (i >> 8);
      serial[1] = i & 0xff;
      encoder.addEntry(serial, 0, 2, date.getTime(), i % 7);
    });
    const der = await encoder.finish();
    const times = entryTimes(der);
    expect(times).toHaveLength(dates.length);
    times.forEach((time, i) => {
      const year = dates[i]!.getUTCFullYear();
      expect(time.tag).toBe(year >= 1950 && year <= 2049 ? TAG_UTC_TIME : TAG_GENERALIZED_TIME);
      expect(time.raw, dates[i]!.toISOString()).toEqual(encodeTime(dates[i]!));
    });
    expect(parseCrl(der).entries.map((e) => e.reason ?? 0)).toEqual(dates.map((_, i) => i % 7));
  });

  it('grows past its first buffer and past 64 KiB lengths; OpenSSL verifies the result', async () => {
    const encoder = new CrlEncoder({ ...header, deltaOfBase: 8, crlNumber: 10 });
    const pool = new Uint8Array(16 * 20_000);
    for (let i = 0; i < 20_000; i++) {
      pool[i * 16] = 0x40 | (i >> 16);
      pool[i * 16 + 1] = (i >> 8) & 0xff;
      pool[i * 16 + 2] = i & 0xff;
      pool.fill(0xab, i * 16 + 3, i * 16 + 16);
    }
    for (let i = 0; i < 20_000; i++)
      encoder.addEntry(pool, i * 16, i * 16 + 16, NOW.getTime() - i * 1000, i % 2 ? 8 : 1);
    expect(encoder.entryCount).toBe(20_000);
    const der = await encoder.finish();
    expect(der.length).toBeGreaterThan(900_000);
    const crl = parseCrl(der);
    expect(crl.entries).toHaveLength(20_000);
    expect(crl.entries[19_999]).toMatchObject({ serialNumberHex: `404e1f${'ab'.repeat(13)}`, reason: 8 });
    expect(crl.deltaBaseCrlNumber).toBe(8n);
    const path = tmp.write('big.crl.pem', toPem(der, 'X509 CRL'));
    expect(openssl(['crl', '-in', path, '-CAfile', caPath, '-noout', '-verify']).output).toContain('verify OK');
  });

  it('rejects serials that are not positive minimal INTEGERs of 1 to 20 bytes, and misuse', async () => {
    const encoder = new CrlEncoder(header);
    const add = (bytes: number[]) => () => encoder.addEntry(Uint8Array.from(bytes), 0, bytes.length, NOW.getTime(), 0);
    expect(add([])).toThrow(/not a positive, minimal INTEGER/);
    expect(add([0x80, 0x01])).toThrow(/serial 8001 is not a positive/);
    expect(add([0x00, 0x01])).toThrow(/serial 0001 is not a positive/);
    expect(add([0x00])).toThrow(/not a positive/);
    expect(add(new Array(21).fill(1))).toThrow(/not a positive, minimal INTEGER of 1 to 20 bytes/);
    expect(() => encoder.addEntry(Uint8Array.of(1), 0, 1, Number.NaN, 0)).toThrow(/invalid revocation date/);
    expect(() => encoder.addEntry(Uint8Array.of(1), 0, 1, NOW.getTime(), 8)).toThrow(/only delta CRLs/);
    expect(() => encoder.addEntry(Uint8Array.of(1), 0, 1, NOW.getTime(), 7)).toThrow(/invalid reason code 7/);
    add([0x00, 0x80])();
    expect(parseCrl(await encoder.finish()).entries.map((e) => e.serialNumberHex)).toEqual(['0080']);
    await expect(encoder.finish()).rejects.toThrow(/finish\(\) called twice/);
    expect(add([0x01])).toThrow(/after finish/);
  });
});
