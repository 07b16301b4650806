import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CA_DISP_ERROR,
  CA_DISP_INCOMPLETE,
  CA_DISP_UNDER_SUBMISSION,
  CA_DISP_VALID,
  DB_DISP_ISSUED,
  ENUM_ENTERPRISE_ROOTCA,
  ENUM_ENTERPRISE_SUBCA,
  ENUM_STANDALONE_SUBCA,
} from '@certexit/core';
import { afterEach, describe, expect, it } from 'vitest';
import { leafRequest, opensslVerify, tempFolders } from '../../../../../packages/engine/test/support/ca-fixtures';
import { runCliInProcess } from '../../../test/support/run-cli-in-process';

const folders = tempFolders();
afterEach(() => folders.removeAll());

/** Runs the CLI on a CA folder; with `--json` first in `args` the output is parsed. */
const cli = (dir: string, ...args: string[]) => runCliInProcess(dir, args);

describe('certexit setup / installcert / renew / cainfo', () => {
  it('sets up a root and a subordinate, installs the issued certificate, renews both and reports the indexes', {
    timeout: 60_000,
  }, async () => {
    const work = folders.make('certexit-cli-ca-');
    const root = join(work, 'root');
    const sub = join(work, 'sub');

    const rootSetup = await cli(root, '--json', 'setup', '--name', 'CLI Root', '--key', 'ECDSA_P384');
    // The SubCA template is off a new CA's list (the enrollee supplies its subject): the administrator offers it.
    expect((await cli(root, 'catemplates', '+SubCA')).code).toBe(0);
    expect(rootSetup.code, rootSetup.err.join('\n')).toBe(0);
    expect(rootSetup.json).toMatchObject({ caType: ENUM_ENTERPRISE_ROOTCA, state: CA_DISP_VALID, stateName: 'Valid' });

    // The subordinate: text output says where the request is and what to do next.
    const subSetup = await cli(sub, 'setup', '--name', 'CLI Sub', '--type', 'standalone-sub', '--key', 'RSA_3072');
    expect(subSetup.code, subSetup.err.join('\n')).toBe(0);
    const requestFile = join(sub, 'localhost_CLI Sub.req');
    expect(subSetup.out).toEqual([
      `CA "CLI Sub" set up in ${sub}`,
      `Certificate request written to ${requestFile}`,
      'Submit it to the parent CA (template SubCA), then run:',
      `  certexit --dir ${sub} installcert <certificate file>`,
    ]);
    expect(existsSync(requestFile)).toBe(true);
    const incomplete = await cli(sub, '--json', 'cainfo');
    expect(incomplete.json).toMatchObject({
      caType: ENUM_STANDALONE_SUBCA,
      certCount: 1,
      certificates: [{ certIndex: 0, keyIndex: 0, certState: CA_DISP_INCOMPLETE, certStateName: 'Incomplete' }],
    });
    const refused = await cli(sub, 'submit', '--attrib', 'CertificateTemplate:WebServer', requestFile);
    expect(refused.code).toBe(1);
    expect(refused.err.join('\n')).toMatch(/no CA certificate installed yet.*installcert/);

    // The root issues it through the ordinary submit verb; the subordinate installs it, checking the chain.
    const subCert = join(work, 'sub.cer');
    const issued = await cli(root, '--json', 'submit', '--attrib', 'CertificateTemplate:SubCA', requestFile, subCert);
    expect(issued.json).toMatchObject({ disposition: DB_DISP_ISSUED });
    const rootCert = join(root, 'CertEnroll', 'localhost_CLI Root.crt');
    const garbage = join(work, 'garbage.cer');
    writeFileSync(garbage, 'garbage');
    const bad = await cli(sub, '--json', 'installcert', garbage);
    expect(bad.code).toBe(1);
    expect(bad.err.join('\n')).toMatch(/garbage\.cer holds no readable X\.509 certificate/);
    const installed = await cli(sub, '--json', 'installcert', subCert, '--parent', rootCert);
    expect(installed.code, installed.err.join('\n')).toBe(0);
    expect(installed.json).toMatchObject({ certIndex: 0, keyIndex: 0, subject: 'CN=CLI Sub', issuer: 'CN=CLI Root' });
    expect(installed.json.files).toEqual([join(sub, 'CertEnroll', 'localhost_CLI Sub.crt')]);

    // Renew the root with a new key, then with the same key.
    const newKey = await cli(root, '--json', 'renew', '--new-key');
    expect(newKey.json).toMatchObject({ certIndex: 1, keyIndex: 1, newKey: true, state: CA_DISP_VALID });
    expect(newKey.json.files).toEqual([join(root, 'CertEnroll', 'localhost_CLI Root(1).crt')]);
    const sameKey = await cli(root, 'renew');
    expect(sameKey.out).toEqual([
      'CA certificate 2 (key index 1, same key): Valid',
      `CA certificate published to ${join(root, 'CertEnroll', 'localhost_CLI Root(2).crt')}`,
    ]);
    const info = await cli(root, 'cainfo');
    const summary = info.out.filter((l) => /^(CA name|CA type|CA cert count|Key count|CA cert\[|CRL\[)/.test(l));
    expect(summary).toEqual([
      'CA name: CLI Root',
      `CA type: ${ENUM_ENTERPRISE_ROOTCA} -- Enterprise Root CA`,
      'CA cert count: 3',
      'Key count: 2',
      'CA cert[0]: 3 -- Valid (key index 0)',
      'CRL[0]: 3 -- Valid',
      'CA cert[1]: 3 -- Valid (key index 1)',
      `CRL[1]: ${CA_DISP_ERROR} -- Error`,
      'CA cert[2]: 3 -- Valid (key index 1)',
      'CRL[2]: 3 -- Valid',
    ]);
    // The hashes are the files' (OpenSSL agrees); the URLs, templates and modules are listed.
    const newest = join(root, 'CertEnroll', 'localhost_CLI Root(2).crt');
    const fingerprint = execFileSync(
      'openssl',
      ['x509', '-inform', 'DER', '-in', newest, '-noout', '-fingerprint', '-sha256'],
      {
        encoding: 'utf8',
      },
    )
      .split('=')[1]!
      .trim()
      .replace(/:/g, '')
      .toLowerCase();
    expect(info.out.filter((l) => l.startsWith('  Cert Hash(sha256): ')).pop()).toBe(
      `  Cert Hash(sha256): ${fingerprint}`,
    );
    expect(info.out).toContain('Config String: localhost\\CLI Root');
    expect(info.out.join('\n')).toMatch(
      /CRL Distribution Points \(CRLPublicationURLs\):\n {2}65: .*CertEnroll\/CLI Root\(1\)\.crl/,
    );
    expect(info.out.join('\n')).toMatch(
      /Authority Information Access \(CACertPublicationURLs\):\n {2}1: .*CertEnroll\/localhost_CLI Root\(2\)\.crt/,
    );
    const infoJson = await cli(root, '--json', 'cainfo');
    expect(infoJson.json).toMatchObject({
      caTypeName: 'Enterprise Root CA',
      config: 'localhost\\CLI Root',
      keyCount: 2,
    });
    expect((infoJson.json.templates as string[]).length).toBeGreaterThan(0);
    expect(infoJson.json.exitModules).toEqual(expect.any(Array));
    expect((await cli(root, '--json', 'getconfig')).json).toMatchObject({ config: 'localhost\\CLI Root' });

    // Renew the subordinate online through its parent's folder; then a leaf of it verifies up to the new root.
    const subRenewed = await cli(sub, '--json', 'renew', '--new-key', '--parent-dir', root);
    expect(subRenewed.code, subRenewed.err.join('\n')).toBe(0);
    expect(subRenewed.json).toMatchObject({ certIndex: 1, keyIndex: 1, state: CA_DISP_VALID });
    expect(subRenewed.json.files).toEqual([join(sub, 'CertEnroll', 'localhost_CLI Sub(1).crt')]);
    const leafRequestFile = join(work, 'leaf.req');
    writeFileSync(leafRequestFile, await leafRequest('cli.certexit.test'));
    // A standalone CA leaves it pending; approve it.
    expect((await cli(sub, 'catemplates', '+WebServer')).code).toBe(0);
    const pending = await cli(sub, '--json', 'submit', '--attrib', 'CertificateTemplate:WebServer', leafRequestFile);
    const leafFile = join(work, 'leaf.pem');
    expect((await cli(sub, '--json', 'resubmit', String(pending.json.requestId))).json).toMatchObject({
      disposition: DB_DISP_ISSUED,
    });
    expect((await cli(sub, '--json', 'retrieve', String(pending.json.requestId), leafFile)).code).toBe(0);
    const rootPem = join(work, 'root2.pem');
    const subPem = join(work, 'sub1.pem');
    const toPemFile = (der: string, out: string) =>
      writeFileSync(
        out,
        `-----BEGIN CERTIFICATE-----\n${readFileSync(der).toString('base64').replace(/.{64}/g, '$&\n')}\n-----END CERTIFICATE-----\n`,
      );
    toPemFile(join(root, 'CertEnroll', 'localhost_CLI Root(2).crt'), rootPem);
    toPemFile(join(sub, 'CertEnroll', 'localhost_CLI Sub(1).crt'), subPem);
    const verified = opensslVerify(rootPem, leafFile, subPem);
    expect(verified.status, verified.output).toBe(0);
  });

  it('sends a subordinate request to a standalone parent folder: pending, then approved and installed', async () => {
    const work = folders.make('certexit-cli-ca-');
    const root = join(work, 'root');
    const sub = join(work, 'sub');
    expect((await cli(root, 'setup', '--name', 'Offline Root', '--type', 'standalone-root')).code).toBe(0);
    expect((await cli(root, 'catemplates', '+SubCA')).code).toBe(0);
    const setup = await cli(
      sub,
      '--json',
      'setup',
      '--name',
      'Online Sub',
      '--type',
      'enterprise-sub',
      '--parent-dir',
      root,
    );
    expect(setup.code, setup.err.join('\n')).toBe(0);
    expect(setup.json).toMatchObject({
      caType: ENUM_ENTERPRISE_SUBCA,
      state: CA_DISP_UNDER_SUBMISSION,
      parentRequestId: 1,
    });
    expect((await cli(sub, '--json', 'cainfo')).json).toMatchObject({
      certificates: [{ certState: CA_DISP_UNDER_SUBMISSION, certStateName: 'Under Submission' }],
    });
    expect((await cli(root, '--json', 'resubmit', '1')).json).toMatchObject({ disposition: DB_DISP_ISSUED });
    const cert = join(work, 'sub.pem');
    expect((await cli(root, 'retrieve', '1', cert)).code).toBe(0);
    const installed = await cli(sub, 'installcert', cert);
    expect(installed.code, installed.err.join('\n')).toBe(0);
    expect(installed.out[0]).toBe('Installed CA certificate 0 (key index 0): "CN=Online Sub"');
    const wrongType = await cli(join(work, 'x'), 'setup', '--name', 'X', '--parent-dir', root);
    expect(wrongType.code).toBe(1);
    expect(wrongType.err.join('\n')).toMatch(/--parent-dir is for a subordinate CA/);
  });
});
