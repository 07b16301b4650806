// The sample on a real certexit CA (the engine, its SQLite database, real certificates and CRLs), checked with
// OpenSSL: what an administrator sees after `certexit module register CertAuthority_Sample.Exit @certexit/exit-sample`.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from '@certexit/core';
import { DB_DISP_ISSUED, EXITEVENT_CERTISSUED, S_OK } from '@certexit/core';
import {
  CertificateAuthority,
  caFolder,
  caRegistryPaths,
  editCaTemplateNames,
  openCa,
  PRINCIPALS,
  setupCa,
} from '@certexit/engine';
import { createCertificationRequest, generateKeyPair, toPem } from '@certexit/x509';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSampleExitModule, SAMPLE_PROGID } from '../src/index';

const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {} };
let dir: string;
let crlCopies: string;
let authority: CertificateAuthority;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'certexit-sample-ca-'));
  crlCopies = join(dir, 'crl-copies');
  await mkdir(crlCopies);
  const setup = await setupCa({
    dir,
    commonName: 'Sample Test CA',
    type: 'enterprise-root',
    machineDnsName: 'ca.certexit.test',
    domainDn: 'DC=certexit,DC=test',
    configDn: 'CN=Configuration,DC=certexit,DC=test',
    exitModules: [SAMPLE_PROGID],
  });
  const ca = await openCa(dir);
  const key = caRegistryPaths.exitModule(setup.sanitizedName, SAMPLE_PROGID);
  ca.registry.setValue(`${key}\\PublishCertFlags`, 1);
  ca.registry.setValue(`${key}\\CrlCopyDirectory`, crlCopies);
  // The policy issues WebServer (subject from the request) to administrators once it is on the CA's list.
  editCaTemplateNames(ca, ['+WebServer']);
  await ca.store.close();
  authority = await CertificateAuthority.open({
    dir,
    // What the engine does with the package's default export: calls it with the opened CA.
    builtins: { [SAMPLE_PROGID]: (opened) => createSampleExitModule(opened) },
    logger: quiet,
  });
}, 60_000);

afterAll(async () => {
  await authority?.stop();
  await rm(dir, { recursive: true, force: true });
});

async function csr(cn: string): Promise<string> {
  const keyPair = await generateKeyPair('ECDSA_P256');
  return toPem(
    await createCertificationRequest({
      keyPair,
      keyAlgorithm: 'ECDSA_P256',
      subject: `CN=${cn}.certexit.test, O=certexit`,
    }),
    'CERTIFICATE REQUEST',
  );
}

describe('CertAuthority_Sample.Exit on a certexit CA', () => {
  it('is loaded with the sample mask and description', () => {
    expect(authority.modules.map((m) => [m.progId, m.description])).toEqual([[SAMPLE_PROGID, 'Sample Exit Module']]);
  });

  it('writes CertEnroll/<RequestID>.cer for a request with a CertFile attribute, and only for it', async () => {
    const withFile = await authority.submit({
      request: await csr('alice'),
      attributes: 'CertificateTemplate:WebServer\nCertFile:yes',
      requesterGroups: [PRINCIPALS.administrators],
    });
    const without = await authority.submit({
      request: await csr('bob'),
      attributes: 'CertificateTemplate:WebServer',
      requesterGroups: [PRINCIPALS.administrators],
    });
    expect([withFile.disposition, without.disposition]).toEqual([DB_DISP_ISSUED, DB_DISP_ISSUED]);
    expect(withFile.deliveries.map((d) => [d.progId, d.event, d.hresult])).toEqual([
      [SAMPLE_PROGID, EXITEVENT_CERTISSUED, S_OK],
    ]);

    const certEnroll = caFolder(dir).certEnroll;
    const path = join(certEnroll, `${withFile.requestId}.cer`);
    expect(new Uint8Array(await readFile(path))).toEqual(withFile.certificate);
    expect(existsSync(join(certEnroll, `${without.requestId}.cer`))).toBe(false);
    // OpenSSL reads it as the certificate the CA issued, signed by the CA.
    const caPem = join(dir, 'ca.pem');
    await writeFile(caPem, toPem(authority.ca.certificate.der, 'CERTIFICATE'));
    const serial = execFileSync('openssl', ['x509', '-inform', 'DER', '-in', path, '-noout', '-serial'], {
      encoding: 'utf8',
    });
    expect(serial.trim().toLowerCase()).toBe(`serial=${withFile.serialNumber}`.toLowerCase());
    const pem = join(dir, 'alice.pem');
    execFileSync('openssl', ['x509', '-inform', 'DER', '-in', path, '-out', pem]);
    expect(execFileSync('openssl', ['verify', '-CAfile', caPem, pem], { encoding: 'utf8' })).toContain(': OK');
  });

  it('runs the CRL loop on publication and copies the CRLs, which OpenSSL verifies against the CA', async () => {
    const publication = await authority.publishCrls();
    expect(publication).toBeDefined();
    const files = (await readdir(crlCopies)).sort();
    expect(files).toEqual(['Sample Test CA+.crl', 'Sample Test CA.crl']);
    const caPem = join(dir, 'ca.pem');
    for (const file of files) {
      const checked = spawnSync(
        'openssl',
        ['crl', '-inform', 'DER', '-in', join(crlCopies, file), '-CAfile', caPem, '-noout', '-crlnumber'],
        { encoding: 'utf8' },
      );
      expect(checked.status).toBe(0);
      expect(checked.stderr).toContain('verify OK');
      expect(checked.stdout).toMatch(/crlNumber=/);
    }
    const delta = execFileSync(
      'openssl',
      ['crl', '-inform', 'DER', '-in', join(crlCopies, 'Sample Test CA+.crl'), '-noout', '-text'],
      { encoding: 'utf8' },
    );
    expect(delta).toContain('Delta CRL Indicator');
    // The copies are the CA's current CRLs, byte for byte.
    const certEnroll = caFolder(dir).certEnroll;
    const published = (await readdir(certEnroll)).filter((f) => f.endsWith('.crl')).sort();
    expect(published).toEqual(files);
    for (const file of files)
      expect(await readFile(join(crlCopies, file))).toEqual(await readFile(join(certEnroll, file)));
  });
});
