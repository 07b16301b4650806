import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ICertServerExit } from '@certexit/core';
import {
  CA_DISP_ERROR,
  CA_DISP_INVALID,
  CA_DISP_VALID,
  createServerExit,
  PROPTYPE_BINARY,
  PROPTYPE_LONG,
  PROPTYPE_STRING,
} from '@certexit/core';
import { parseCertificate, readCaExtensions } from '@certexit/x509';
import { afterEach, describe, expect, it } from 'vitest';
import { openssl, opensslOk } from '../../../../tooling/test/test-pki';
import { issueLeaf, openEngine, opensslVerify, tempFolders, writePem } from '../../test/support/ca-fixtures';
import { storeOption, TEST_STORES } from '../../test/support/test-stores';
import { setupCa } from '../engine/setup-ca';
import { databaseDataSource } from '../hosting/database-data-source';
import { caCertificateStates } from './ca-certificate-states';
import { caFolder } from './ca-folder';
import { openCa } from './open-ca';
import { renewCa } from './renew-ca';

const folders = tempFolders();
afterEach(() => folders.removeAll());

const V = CA_DISP_VALID;
const E = CA_DISP_ERROR;

/** What `ICertServerExit` shows for one CA certificate. */
async function caProperties(server: ICertServerExit, n: number) {
  return {
    raw: (await server.GetCertificateProperty(`RawCACertificate.${n}`, PROPTYPE_BINARY)) as Uint8Array,
    crlIndex: await server.GetCertificateProperty(`CRLIndex.${n}`, PROPTYPE_LONG),
    certSuffix: await server.GetCertificateProperty(`CertSuffix.${n}`, PROPTYPE_STRING),
    crlSuffix: await server.GetCertificateProperty(`CRLSuffix.${n}`, PROPTYPE_STRING),
    certState: await server.GetCertificateProperty(`CertState.${n}`, PROPTYPE_LONG),
    crlState: await server.GetCertificateProperty(`CRLState.${n}`, PROPTYPE_LONG),
  };
}

/** The URIs after a heading of `openssl x509 -text` (CDP, AIA). */
function urisOf(text: string, heading: string): string[] {
  const start = text.indexOf(heading);
  if (start < 0) return [];
  const block = text.slice(start).split(/\n\s{12}X509v3 |\n\s{12}Authority Information|\n\s{4}Signature/)[0]!;
  return [...block.matchAll(/URI:(\S+)/g)].map((m) => m[1]!);
}

describe.each(TEST_STORES)(
  'renewCa on $name: the certificate index and the CRL/key index of the reference',
  (store) => {
    it('install 0/0, new key 1/1, same key 2/1, same key 3/1, new key 4/4, as ICertServerExit, files and openssl show', {
      timeout: 30_000,
    }, async () => {
      const dir = folders.make();
      const setup = await setupCa({
        ...storeOption(store),
        dir,
        commonName: 'Renewal CA',
        type: 'enterprise-root',
        exitModules: [],
      });
      const folder = caFolder(dir);
      const steps: Array<{ newKey?: boolean; cert: number; key: number; crlStates: number[] }> = [
        { cert: 0, key: 0, crlStates: [V] },
        { newKey: true, cert: 1, key: 1, crlStates: [V, V] },
        { newKey: false, cert: 2, key: 1, crlStates: [V, E, V] },
        { newKey: false, cert: 3, key: 1, crlStates: [V, E, E, V] },
        { newKey: true, cert: 4, key: 4, crlStates: [V, E, E, V, V] },
      ];
      const suffix = (n: number) => (n === 0 ? '' : `(${n})`);
      expect(setup.files).toEqual([join(folder.certEnroll, 'localhost_Renewal CA.crt')]);
      let previousCaPem: string | undefined;

      for (const step of steps) {
        if (step.newKey !== undefined) {
          const renewed = await renewCa(dir, { newKey: step.newKey });
          expect(renewed).toMatchObject({ certIndex: step.cert, keyIndex: step.key, state: V, newKey: step.newKey });
          expect(renewed.files).toEqual([join(folder.certEnroll, `localhost_Renewal CA${suffix(step.cert)}.crt`)]);
        }
        const ca = await openCa(dir);
        try {
          // The CURRENT certificate and key sign.
          expect([ca.certIndex, ca.keyIndex]).toEqual([step.cert, step.key]);
          const server = createServerExit(databaseDataSource(ca, 'X'));
          expect(await server.GetCertificateProperty('CertCount', PROPTYPE_LONG)).toBe(step.cert + 1);
          const pairs = steps.filter((s) => s.cert <= step.cert);
          for (const [n, expected] of pairs.entries()) {
            const p = await caProperties(server, n);
            expect({ ...p, raw: undefined }).toEqual({
              raw: undefined,
              crlIndex: expected.key,
              certSuffix: suffix(n),
              crlSuffix: suffix(expected.key),
              certState: V,
              crlState: step.crlStates[n],
            });
            const published = readFileSync(join(folder.certEnroll, `localhost_Renewal CA${suffix(n)}.crt`));
            expect(Buffer.from(p.raw).equals(published)).toBe(true);
            const info = await parseCertificate(p.raw);
            expect(readCaExtensions(info.extensions)).toMatchObject({
              isCa: true,
              caVersion: { certIndex: n, keyIndex: expected.key },
            });
          }
          // The current certificate is what an unsuffixed CA property shows.
          expect(await server.GetCertificateProperty('CertSuffix', PROPTYPE_STRING)).toBe(suffix(step.cert));
          expect(await server.GetCertificateProperty('CRLIndex', PROPTYPE_LONG)).toBe(step.key);
          // Every key that still publishes CRLs, with its newest certificate.
          const crlKeys = await ca.crlSigningKeys();
          const expectedCrlKeys = pairs.filter((_, n) => step.crlStates[n] === V);
          expect(crlKeys.map((k) => [k.keyIndex, k.certIndex])).toEqual(expectedCrlKeys.map((s) => [s.key, s.cert]));
          const signer = await ca.loadSigningKey(step.key);
          expect(signer.certIndex).toBe(step.cert);
          expect(signer.key).toBe(ca.signingKey);
        } finally {
          await ca.store.close();
        }

        // A leaf issued now chains to the newest CA certificate, and names its %4/%8 files.
        const authority = await openEngine(dir);
        const leaf = await issueLeaf(authority, `step${step.cert}.certexit.test`);
        const caDer = authority.ca.certificate.der;
        await authority.stop({ sendShutdownEvent: false });
        const work = folders.make('certexit-verify-');
        const caPem = writePem(work, 'ca.pem', caDer);
        const leafPem = writePem(work, 'leaf.pem', leaf);
        expect(opensslVerify(caPem, leafPem).output).toContain(`${leafPem}: OK`);
        const leafInfo = await parseCertificate(leaf);
        expect(leafInfo.authorityKeyIdentifier).toBe((await parseCertificate(caDer)).subjectKeyIdentifier);
        const text = opensslOk(['x509', '-in', leafPem, '-noout', '-text']);
        expect(urisOf(text, 'CRL Distribution Points')).toContain(
          `http://localhost/CertEnroll/Renewal%20CA${suffix(step.key)}.crl`,
        );
        expect(urisOf(text, 'Authority Information Access')).toContain(
          `http://localhost/CertEnroll/localhost_Renewal%20CA${suffix(step.cert)}.crt`,
        );
        if (step.newKey && previousCaPem) {
          // A new key: the previous CA certificate does not verify the new leaf.
          const stale = openssl(['verify', '-CAfile', previousCaPem, leafPem]);
          expect(stale.status).not.toBe(0);
        }
        previousCaPem = writePem(work, 'previous.pem', caDer);
      }

      // Keys: one file per key index, none for the same-key renewals.
      expect(readdirSync(folder.keys).sort()).toEqual(['ca-key-0.pem', 'ca-key-1.pem', 'ca-key-4.pem']);
      expect(
        readdirSync(folder.certEnroll)
          .filter((f) => f.endsWith('.crt'))
          .sort(),
      ).toEqual([0, 1, 2, 3, 4].map((n) => `localhost_Renewal CA${suffix(n)}.crt`).sort());
      // openssl shows the CA version extension: INTEGER keyIndex << 16 | certIndex.
      for (const { cert, key } of steps) {
        const file = join(folder.certEnroll, `localhost_Renewal CA${suffix(cert)}.crt`);
        const text = opensslOk(['x509', '-inform', 'DER', '-in', file, '-noout', '-text']);
        expect(text).toMatch(/1\.3\.6\.1\.4\.1\.311\.21\.1|Microsoft CA Version/);
        const parsed = opensslOk(['asn1parse', '-inform', 'DER', '-in', file]);
        const value = (key << 16) | cert;
        // The extension's INTEGER follows its OID; asn1parse prints it as hex.
        const afterOid = parsed.slice(parsed.search(/1\.3\.6\.1\.4\.1\.311\.21\.1|Microsoft CA Version/));
        const octets = /OCTET STRING\s+\[HEX DUMP\]:([0-9A-F]+)/.exec(afterOid)?.[1];
        expect(octets).toBe(_intDer(value));
      }
      // Same subject bytes on every certificate: Windows chains by exact name bytes.
      const subjects = await Promise.all(
        [0, 1, 2, 3, 4].map(async (n) => {
          const der = readFileSync(join(folder.certEnroll, `localhost_Renewal CA${suffix(n)}.crt`));
          return Buffer.from((await parseCertificate(new Uint8Array(der))).subjectDer).toString('hex');
        }),
      );
      expect(new Set(subjects).size).toBe(1);
    });

    it('shows an expired certificate as CA_DISP_INVALID and stops its key from publishing CRLs', async () => {
      const dir = folders.make();
      const start = new Date('2000-01-01T00:00:00Z');
      await setupCa({
        ...storeOption(store),
        dir,
        commonName: 'Old CA',
        type: 'standalone-root',
        exitModules: [],
        now: start,
        validityYears: 5,
      });
      // Renewed long after the first certificate expired, with a new key; validity as the current one (5 years).
      await renewCa(dir, { newKey: true, now: new Date('2004-06-01T00:00:00Z') });
      await renewCa(dir, { newKey: false, now: new Date('2008-01-01T00:00:00Z') });
      const ca = await openCa(dir);
      try {
        const at = new Date('2010-01-01T00:00:00Z');
        const states = await caCertificateStates(await ca.store.listCaCertificates(), at);
        // 0: expired 2005, only certificate of key 0. 1: expired 2009 but key 1 renewed. 2: valid till 2013.
        expect(states.map((s) => [s.certIndex, s.keyIndex, s.certState, s.crlState])).toEqual([
          [0, 0, CA_DISP_INVALID, CA_DISP_INVALID],
          [1, 1, CA_DISP_INVALID, CA_DISP_ERROR],
          [2, 1, CA_DISP_VALID, CA_DISP_VALID],
        ]);
        const server = createServerExit(databaseDataSource(ca, 'X', () => at));
        expect(await server.GetCertificateProperty('CertState.0', PROPTYPE_LONG)).toBe(CA_DISP_INVALID);
        expect(await server.GetCertificateProperty('CRLState.0', PROPTYPE_LONG)).toBe(CA_DISP_INVALID);
        expect(await server.GetCertificateProperty('CRLState.2', PROPTYPE_LONG)).toBe(CA_DISP_VALID);
        expect((await ca.crlSigningKeys(at)).map((k) => [k.keyIndex, k.certIndex])).toEqual([[1, 2]]);
        const renewedNotAfter = (await parseCertificate(ca.certificate.der)).notAfter;
        expect(renewedNotAfter.toISOString()).toBe('2013-01-01T00:00:00.000Z');
      } finally {
        await ca.store.close();
      }
    });

    it('refuses to renew while a key file for the new key index already exists, and changes nothing', async () => {
      const dir = folders.make();
      await setupCa({ ...storeOption(store), dir, commonName: 'Careful CA', type: 'enterprise-root', exitModules: [] });
      const folder = caFolder(dir);
      const orphan = join(folder.keys, 'ca-key-1.pem');
      writeFileSync(orphan, 'an orphaned key an administrator may still need');
      await expect(renewCa(dir, { newKey: true })).rejects.toThrow(/EEXIST|exists/);
      expect(readFileSync(orphan, 'utf8')).toBe('an orphaned key an administrator may still need');
      const ca = await openCa(dir);
      try {
        expect((await ca.store.listCaCertificates()).length).toBe(1);
        expect(existsSync(join(folder.certEnroll, 'localhost_Careful CA(1).crt'))).toBe(false);
      } finally {
        await ca.store.close();
      }
    });
  },
);

/** The hex of the DER INTEGER of a non-negative value, as asn1parse prints an OCTET STRING's content. */
function _intDer(value: number): string {
  let hex = value.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  if (Number.parseInt(hex.slice(0, 2), 16) & 0x80) hex = `00${hex}`;
  return `02${(hex.length / 2).toString(16).padStart(2, '0')}${hex}`.toUpperCase();
}
