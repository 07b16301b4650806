import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CA_DISP_INCOMPLETE,
  CA_DISP_UNDER_SUBMISSION,
  CA_DISP_VALID,
  createServerExit,
  DB_DISP_ISSUED,
  DB_DISP_PENDING,
  ENUM_ENTERPRISE_SUBCA,
  PROPTYPE_BINARY,
  PROPTYPE_LONG,
} from '@certexit/core';
import {
  createCaCertificationRequest,
  generateKeyPair,
  parseCertificate,
  readCaExtensions,
  toPem,
} from '@certexit/x509';
import { afterEach, describe, expect, it } from 'vitest';
import { opensslOk } from '../../../../tooling/test/test-pki';
import { issueLeaf, openEngine, opensslVerify, tempFolders, writePem } from '../../test/support/ca-fixtures';
import { AS_ADMINISTRATOR, offerTemplates } from '../../test/support/policy-fixtures';
import type { TestStore } from '../../test/support/test-stores';
import { storeOption, TEST_STORES } from '../../test/support/test-stores';
import { localParentCa } from '../engine/local-parent-ca';
import { setupCa } from '../engine/setup-ca';
import { databaseDataSource } from '../hosting/database-data-source';
import { caFolder } from './ca-folder';
import { installCaCertificate } from './install-ca-certificate';
import { openCa } from './open-ca';
import { openCaFolder } from './open-ca-folder';
import { renewCa } from './renew-ca';

const folders = tempFolders();
afterEach(() => folders.removeAll());

async function rootCa(
  store: TestStore,
  type: 'enterprise-root' | 'standalone-root' = 'enterprise-root',
  name = 'Test Root CA',
) {
  const dir = folders.make('certexit-root-');
  await setupCa({ ...storeOption(store), dir, commonName: name, type, exitModules: [] });
  offerTemplates(dir, 'SubCA', 'WebServer');
  return dir;
}

/** Everything that must not change when an installation is refused. */
async function snapshot(dir: string) {
  const ca = await openCaFolder(dir);
  try {
    return {
      rows: await ca.store.listCaCertificates(),
      registry: readFileSync(caFolder(dir).registry, 'utf8'),
      published: readdirSync(caFolder(dir).certEnroll),
    };
  } finally {
    await ca.store.close();
  }
}

describe.each(TEST_STORES)('subordinate CA on $name: request, parent issues with SubCA, installcert, leaf', (store) => {
  it('runs the whole chain for real: root issues the SubCA certificate, the subordinate installs it and issues a leaf', async () => {
    const rootDir = await rootCa(store);
    const subDir = folders.make('certexit-sub-');
    const setup = await setupCa({
      ...storeOption(store),
      dir: subDir,
      commonName: 'Test Issuing CA',
      type: 'enterprise-sub',
      exitModules: [],
    });
    expect(setup).toMatchObject({
      caType: ENUM_ENTERPRISE_SUBCA,
      state: CA_DISP_INCOMPLETE,
      requestFile: join(caFolder(subDir).root, 'localhost_Test Issuing CA.req'),
      files: [],
    });
    expect(readFileSync(setup.requestFile!, 'utf8')).toMatch(/^-----BEGIN CERTIFICATE REQUEST-----/);
    const before = await snapshot(subDir);
    expect(before.rows).toMatchObject([{ certIndex: 0, keyIndex: 0, state: CA_DISP_INCOMPLETE }]);
    expect(before.rows[0]!.raw).toBeUndefined();
    // Incomplete: opening it for issuance says what is missing and how to install it.
    await expect(openCa(subDir)).rejects.toThrow(
      /no CA certificate installed yet: its request is in .*localhost_Test Issuing CA\.req.*SubCA.*installcert/,
    );
    await expect(openEngine(subDir)).rejects.toThrow(/installcert <certificate file>/);

    const root = await openEngine(rootDir);
    const outcome = await root.submit({
      request: readFileSync(setup.requestFile!),
      attributes: 'CertificateTemplate:SubCA',
      ...AS_ADMINISTRATOR,
    });
    expect(outcome.disposition, outcome.message).toBe(DB_DISP_ISSUED);
    const rootDer = root.ca.certificate.der;
    await root.stop({ sendShutdownEvent: false });
    const work = folders.make('certexit-chain-');
    const rootPem = writePem(work, 'root.pem', rootDer);
    const issuedFile = writePem(work, 'issued.cer', outcome.certificate!);

    const installed = await installCaCertificate(subDir, issuedFile, { parentCertificates: [readFileSync(rootPem)] });
    expect(installed).toMatchObject({
      certIndex: 0,
      keyIndex: 0,
      subject: 'CN=Test Issuing CA',
      issuer: 'CN=Test Root CA',
    });
    expect(installed.files).toEqual([join(caFolder(subDir).certEnroll, 'localhost_Test Issuing CA.crt')]);
    expect(readFileSync(installed.files[0]!).equals(Buffer.from(outcome.certificate!))).toBe(true);
    // The parent kept the CA version the subordinate asked for, and made it a CA one level deep.
    const subInfo = await parseCertificate(outcome.certificate!);
    expect(readCaExtensions(subInfo.extensions)).toMatchObject({
      isCa: true,
      pathLength: 0,
      caVersion: { certIndex: 0, keyIndex: 0 },
    });
    expect(subInfo.authorityKeyIdentifier).toBe((await parseCertificate(rootDer)).subjectKeyIdentifier);

    const sub = await openEngine(subDir);
    const server = createServerExit(databaseDataSource(sub.ca, 'X'));
    expect(await server.GetCertificateProperty('CAType', PROPTYPE_LONG)).toBe(ENUM_ENTERPRISE_SUBCA);
    expect(await server.GetCertificateProperty('CertCount', PROPTYPE_LONG)).toBe(1);
    expect(await server.GetCertificateProperty('CertState.0', PROPTYPE_LONG)).toBe(CA_DISP_VALID);
    expect(await server.GetCertificateProperty('CRLState.0', PROPTYPE_LONG)).toBe(CA_DISP_VALID);
    expect(await server.GetCertificateProperty('RawCACertificate.0', PROPTYPE_BINARY)).toEqual(outcome.certificate);
    const leaf = await issueLeaf(sub);
    await sub.stop({ sendShutdownEvent: false });

    const subPem = writePem(work, 'sub.pem', outcome.certificate!);
    const leafPem = writePem(work, 'leaf.pem', leaf);
    const verified = opensslVerify(rootPem, leafPem, subPem);
    expect(verified.status, verified.output).toBe(0);
    expect(verified.output).toContain(`${leafPem}: OK`);
    // Without the subordinate's certificate the leaf does not verify: it really is issued by the subordinate.
    expect(opensslVerify(rootPem, leafPem).status).not.toBe(0);
  });

  it('renews a subordinate: new key online through the parent, then same key by file while it keeps issuing', async () => {
    const rootDir = await rootCa(store);
    const subDir = folders.make('certexit-sub-');
    const root = await openEngine(rootDir);
    try {
      const parent = localParentCa(root);
      const setup = await setupCa({
        ...storeOption(store),
        dir: subDir,
        commonName: 'Sub CA',
        type: 'enterprise-sub',
        exitModules: [],
        parent,
      });
      expect(setup).toMatchObject({ caType: ENUM_ENTERPRISE_SUBCA, state: CA_DISP_VALID });
      expect(setup.files).toEqual([join(caFolder(subDir).certEnroll, 'localhost_Sub CA.crt')]);

      const renewed = await renewCa(subDir, { newKey: true, parent });
      expect(renewed).toMatchObject({ certIndex: 1, keyIndex: 1, state: CA_DISP_VALID });
      expect(renewed.files).toEqual([join(caFolder(subDir).certEnroll, 'localhost_Sub CA(1).crt')]);
      expect(renewed.requestFile).toBe(join(caFolder(subDir).root, 'localhost_Sub CA(1).req'));

      // Same key, request by file: until it is installed the CA issues with certificate 1.
      const byFile = await renewCa(subDir, { newKey: false });
      expect(byFile).toMatchObject({ certIndex: 2, keyIndex: 1, state: CA_DISP_INCOMPLETE, files: [] });
      await expect(renewCa(subDir, { newKey: true })).rejects.toThrow(
        /already awaits the certificate for its request 2/,
      );
      const sub = await openEngine(subDir);
      expect([sub.ca.certIndex, sub.ca.keyIndex]).toEqual([1, 1]);
      const server = createServerExit(databaseDataSource(sub.ca, 'X'));
      expect(await server.GetCertificateProperty('CertCount', PROPTYPE_LONG)).toBe(3);
      expect(await server.GetCertificateProperty('CertState.2', PROPTYPE_LONG)).toBe(CA_DISP_INCOMPLETE);
      // The pending certificate does not take the CRL away from key 1's installed certificate.
      expect(await server.GetCertificateProperty('CRLState.1', PROPTYPE_LONG)).toBe(CA_DISP_VALID);
      await sub.stop({ sendShutdownEvent: false });

      const answer = await root.submit({
        request: readFileSync(byFile.requestFile!),
        attributes: 'CertificateTemplate:SubCA',
        ...AS_ADMINISTRATOR,
      });
      const installed = await installCaCertificate(subDir, answer.certificate!, {
        parentCertificates: [root.ca.certificate.der],
      });
      expect(installed).toMatchObject({ certIndex: 2, keyIndex: 1 });
      expect(installed.files).toEqual([join(caFolder(subDir).certEnroll, 'localhost_Sub CA(2).crt')]);

      const renewedSub = await openEngine(subDir);
      expect([renewedSub.ca.certIndex, renewedSub.ca.keyIndex]).toEqual([2, 1]);
      const states = createServerExit(databaseDataSource(renewedSub.ca, 'X'));
      expect(await states.GetCertificateProperty('CRLState.1', PROPTYPE_LONG)).not.toBe(CA_DISP_VALID);
      expect(await states.GetCertificateProperty('CRLState.2', PROPTYPE_LONG)).toBe(CA_DISP_VALID);
      const leaf = await issueLeaf(renewedSub);
      const subDer = renewedSub.ca.certificate.der;
      await renewedSub.stop({ sendShutdownEvent: false });
      const work = folders.make('certexit-chain-');
      const verified = opensslVerify(
        writePem(work, 'root.pem', root.ca.certificate.der),
        writePem(work, 'leaf.pem', leaf),
        writePem(work, 'sub.pem', subDer),
      );
      expect(verified.status, verified.output).toBe(0);
    } finally {
      await root.stop({ sendShutdownEvent: false });
    }
  });

  it('marks the certificate UNDER_SUBMISSION while the parent keeps the request pending', async () => {
    const rootDir = await rootCa(store, 'standalone-root', 'Offline Root');
    const subDir = folders.make('certexit-sub-');
    const root = await openEngine(rootDir);
    try {
      const setup = await setupCa({
        ...storeOption(store),
        dir: subDir,
        commonName: 'Pending Sub CA',
        type: 'enterprise-sub',
        exitModules: [],
        parent: localParentCa(root),
      });
      expect(setup.state).toBe(CA_DISP_UNDER_SUBMISSION);
      expect(setup.parentRequestId).toBeGreaterThan(0);
      expect((await root.services.describe(setup.parentRequestId!, [])).disposition).toBe(DB_DISP_PENDING);
      expect((await snapshot(subDir)).rows).toMatchObject([{ certIndex: 0, state: CA_DISP_UNDER_SUBMISSION }]);
      await expect(openCa(subDir)).rejects.toThrow(
        new RegExp(`sent to the parent CA \\(request ID ${setup.parentRequestId}\\) and is pending there.*installcert`),
      );
      const approved = await root.resubmit(setup.parentRequestId!);
      expect(approved.disposition).toBe(DB_DISP_ISSUED);
      const installed = await installCaCertificate(subDir, approved.certificate!);
      expect(installed.certIndex).toBe(0);
      expect((await snapshot(subDir)).rows).toMatchObject([{ certIndex: 0, state: CA_DISP_VALID }]);
    } finally {
      await root.stop({ sendShutdownEvent: false });
    }
  });
  it('installs from a PKCS#7 chain (.p7b) as a parent hands it out, taking the certificate for its key', async () => {
    const rootDir = await rootCa(store);
    const subDir = folders.make('certexit-sub-');
    const setup = await setupCa({
      ...storeOption(store),
      dir: subDir,
      commonName: 'P7B Sub CA',
      type: 'enterprise-sub',
      exitModules: [],
    });
    const root = await openEngine(rootDir);
    const work = folders.make('certexit-p7b-');
    try {
      const issued = await root.submit({
        request: readFileSync(setup.requestFile!),
        attributes: 'CertificateTemplate:SubCA',
        ...AS_ADMINISTRATOR,
      });
      const chain = join(work, 'chain.pem');
      writeFileSync(chain, toPem(root.ca.certificate.der, 'CERTIFICATE') + toPem(issued.certificate!, 'CERTIFICATE'));
      const p7b = join(work, 'sub.p7b');
      opensslOk(['crl2pkcs7', '-nocrl', '-certfile', chain, '-outform', 'DER', '-out', p7b]);
      const installed = await installCaCertificate(subDir, p7b, { parentCertificates: [root.ca.certificate.der] });
      expect(installed).toMatchObject({ certIndex: 0, subject: 'CN=P7B Sub CA', thumbprint: expect.any(String) });
      expect(readFileSync(installed.files[0]!).equals(Buffer.from(issued.certificate!))).toBe(true);
    } finally {
      await root.stop({ sendShutdownEvent: false });
    }
  });
});

describe.each(TEST_STORES)(
  'installCaCertificate on $name refuses what does not fit, and the CA stays as it was',
  (store) => {
    it('refuses garbage, a certificate for another key, a non-CA certificate, a foreign chain and a wrong CA version', async () => {
      const rootDir = await rootCa(store);
      const otherRootDir = await rootCa(store, 'enterprise-root', 'Other Root');
      const subDir = folders.make('certexit-sub-');
      const setup = await setupCa({
        ...storeOption(store),
        dir: subDir,
        commonName: 'Careful Sub CA',
        type: 'enterprise-sub',
        exitModules: [],
      });
      const work = folders.make('certexit-bad-');
      const before = await snapshot(subDir);
      const root = await openEngine(rootDir);
      const otherRoot = await openEngine(otherRootDir);
      try {
        const garbage = join(work, 'garbage.cer');
        writeFileSync(garbage, 'this is not a certificate\n');
        await expect(installCaCertificate(subDir, garbage)).rejects.toThrow(
          /garbage\.cer holds no readable X\.509 certificate \(DER, PEM or PKCS#7\)/,
        );
        await expect(installCaCertificate(subDir, Uint8Array.of(0x30, 0x82, 0x05))).rejects.toThrow(
          /holds no readable X\.509 certificate/,
        );
        await expect(installCaCertificate(subDir, join(work, 'missing.cer'))).rejects.toThrow(
          /cannot read the certificate file .*missing\.cer/,
        );

        // A SubCA certificate, but for another key.
        const otherKey = await generateKeyPair('ECDSA_P256');
        const otherRequest = await createCaCertificationRequest({
          keyPair: otherKey,
          keyAlgorithm: 'ECDSA_P256',
          subjectDn: 'CN=Careful Sub CA',
          certIndex: 0,
          keyIndex: 0,
        });
        const forOtherKey = await root.submit({
          request: toPem(otherRequest, 'CERTIFICATE REQUEST'),
          attributes: 'CertificateTemplate:SubCA',
          ...AS_ADMINISTRATOR,
        });
        await expect(installCaCertificate(subDir, forOtherKey.certificate!)).rejects.toThrow(
          /is for another key: no certificate in it \("CN=Careful Sub CA"\) has the public key of CA key index 0/,
        );

        // The right key, but an end-entity certificate.
        const notCa = await root.submit({
          request: readFileSync(setup.requestFile!),
          attributes: 'CertificateTemplate:WebServer',
          ...AS_ADMINISTRATOR,
        });
        expect(notCa.disposition, notCa.message).toBe(DB_DISP_ISSUED);
        await expect(installCaCertificate(subDir, notCa.certificate!)).rejects.toThrow(
          /is not a CA certificate: its basicConstraints do not say cA/,
        );

        // The right certificate, checked against a root that did not issue it.
        const good = await root.submit({
          request: readFileSync(setup.requestFile!),
          attributes: 'CertificateTemplate:SubCA',
          ...AS_ADMINISTRATOR,
        });
        await expect(
          installCaCertificate(subDir, good.certificate!, { parentCertificates: [otherRoot.ca.certificate.der] }),
        ).rejects.toThrow(/the chain does not verify: no given parent certificate is "CN=Test Root CA"/);
        // Only an intermediate given: the chain must reach a root among the given certificates.
        await expect(
          installCaCertificate(subDir, good.certificate!, { parentCertificates: [good.certificate!] }),
        ).rejects.toThrow(/chain does not verify/);
        // A leaf of the other root, not a CA: refused as a parent.
        const otherLeaf = await issueLeaf(otherRoot, 'not-a-ca.certexit.test');
        await expect(
          installCaCertificate(subDir, good.certificate!, {
            parentCertificates: [otherLeaf, otherRoot.ca.certificate.der],
          }),
        ).rejects.toThrow(/chain does not verify/);

        expect(await snapshot(subDir)).toEqual(before);
        await expect(openCa(subDir)).rejects.toThrow(/no CA certificate installed yet/);

        // A PKCS#7-free PEM bundle with the root in it also works: the CA's certificate is picked by its key.
        const bundle = join(work, 'chain.pem');
        writeFileSync(bundle, toPem(root.ca.certificate.der, 'CERTIFICATE') + toPem(good.certificate!, 'CERTIFICATE'));
        const installed = await installCaCertificate(subDir, bundle, { parentCertificates: [root.ca.certificate.der] });
        expect(installed.certIndex).toBe(0);

        // Nothing awaits installation any more; the same certificate again is refused.
        await expect(installCaCertificate(subDir, good.certificate!)).rejects.toThrow(
          /has no certificate request awaiting installation/,
        );
        // A renewal with the same key awaits V1.0; the installed V0.0 certificate has the same key but is not it.
        await renewCa(subDir, { newKey: false });
        const pending = await snapshot(subDir);
        await expect(installCaCertificate(subDir, good.certificate!)).rejects.toThrow(
          /carries CA version V0\.0, but the request awaiting installation is V1\.0/,
        );
        expect(await snapshot(subDir)).toEqual(pending);
      } finally {
        await root.stop({ sendShutdownEvent: false });
        await otherRoot.stop({ sendShutdownEvent: false });
      }
    });

    it('refuses a root CA (nothing awaits installation) and a setup into a folder that holds a CA', async () => {
      const rootDir = await rootCa(store);
      const root = await openEngine(rootDir);
      const der = root.ca.certificate.der;
      await root.stop({ sendShutdownEvent: false });
      const before = await snapshot(rootDir);
      await expect(installCaCertificate(rootDir, der)).rejects.toThrow(/no certificate request awaiting installation/);
      await expect(setupCa({ dir: rootDir, commonName: 'Again', type: 'enterprise-sub' })).rejects.toThrow(
        /already holds a CA/,
      );
      expect(await snapshot(rootDir)).toEqual(before);
    });
  },
);

describe.each(TEST_STORES)('key algorithms on $name', (store) => {
  it('an ECDSA P-384 root and an RSA 3072 subordinate issue leaves that openssl verifies', async () => {
    const rootDir = folders.make('certexit-root-');
    await setupCa({
      ...storeOption(store),
      dir: rootDir,
      commonName: 'P384 Root',
      type: 'enterprise-root',
      keyAlgorithm: 'ECDSA_P384',
      exitModules: [],
    });
    const subDir = folders.make('certexit-sub-');
    const root = await openEngine(rootDir);
    const work = folders.make('certexit-alg-');
    try {
      expect(root.ca.certificate.signatureAlgorithmOid).toBe('1.2.840.10045.4.3.3'); // ecdsa-with-SHA384
      const rootPem = writePem(work, 'root.pem', root.ca.certificate.der);
      const rootLeaf = writePem(work, 'root-leaf.pem', await issueLeaf(root));
      expect(opensslVerify(rootPem, rootLeaf).output).toContain(`${rootLeaf}: OK`);

      await setupCa({
        ...storeOption(store),
        dir: subDir,
        commonName: 'RSA3072 Sub',
        type: 'enterprise-sub',
        keyAlgorithm: 'RSA_3072',
        exitModules: [],
        parent: localParentCa(root),
      });
      const sub = await openEngine(subDir);
      expect(sub.ca.certificate.publicKeyLength).toBe(3072);
      const subPem = writePem(work, 'sub.pem', sub.ca.certificate.der);
      const leaf = writePem(work, 'leaf.pem', await issueLeaf(sub));
      await sub.stop({ sendShutdownEvent: false });
      const text = opensslOk(['x509', '-in', leaf, '-noout', '-text']);
      expect(text).toContain('Signature Algorithm: sha256WithRSAEncryption');
      const verified = opensslVerify(rootPem, leaf, subPem);
      expect(verified.status, verified.output).toBe(0);
    } finally {
      await root.stop({ sendShutdownEvent: false });
    }
  });

  it('an RSA 3072 root renewed with a new key issues leaves that openssl verifies', async () => {
    const dir = folders.make('certexit-root-');
    await setupCa({
      ...storeOption(store),
      dir,
      commonName: 'RSA Root',
      type: 'enterprise-root',
      keyAlgorithm: 'RSA_3072',
      exitModules: [],
    });
    await renewCa(dir, { newKey: true });
    const ca = await openEngine(dir);
    const work = folders.make('certexit-alg-');
    try {
      expect([ca.ca.certIndex, ca.ca.keyIndex, ca.ca.certificate.publicKeyLength]).toEqual([1, 1, 3072]);
      const leaf = writePem(work, 'leaf.pem', await issueLeaf(ca));
      expect(opensslVerify(writePem(work, 'ca.pem', ca.ca.certificate.der), leaf).output).toContain(`${leaf}: OK`);
      expect(existsSync(join(caFolder(dir).keys, 'ca-key-1.pem'))).toBe(true);
    } finally {
      await ca.stop({ sendShutdownEvent: false });
    }
  });
});
