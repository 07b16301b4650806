import { readFileSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempFolders } from '../../../../../packages/engine/test/support/ca-fixtures';
import { openssl, opensslOk, opensslRequest } from '../../../../../tooling/test/test-pki';
import { runCliInProcess } from '../../../test/support/run-cli-in-process';

const folders = tempFolders();
const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
  folders.removeAll();
});

const cli = (dir: string, ...args: string[]) => runCliInProcess(dir, args);

/** A real HTTP server for a CA's CertEnroll folder (what IIS serves on AD CS), on a free loopback port. */
async function certEnrollServer(folder: () => string): Promise<number> {
  const server = createServer((request, response) => {
    const name = decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname.replace(/^\/CertEnroll\//, ''));
    try {
      if (name.includes('/') || name.includes('..')) throw new Error('no');
      const body = readFileSync(join(folder(), 'CertEnroll', name));
      response.writeHead(200, { 'content-type': 'application/octet-stream' }).end(body);
    } catch {
      response.writeHead(404).end();
    }
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as AddressInfo).port;
}

describe('certexit verify --urlfetch', () => {
  it('builds root > sub > leaf over AIA and checks base and delta CRLs over HTTP, as OpenSSL does', {
    timeout: 120_000,
  }, async () => {
    const work = folders.make('certexit-cli-verify-');
    const root = join(work, 'root');
    const sub = join(work, 'sub');
    const rootPort = await certEnrollServer(() => root);
    const subPort = await certEnrollServer(() => sub);
    // %1 (the CA's DNS name) is where the AIA and CDP URLs point: each CA's own HTTP server.
    expect((await cli(root, 'setup', '--name', 'Verify Root', '--dns', `127.0.0.1:${rootPort}`)).code).toBe(0);
    expect((await cli(root, 'catemplates', '+SubCA')).code).toBe(0);
    const subSetup = await cli(
      sub,
      'setup',
      '--name',
      'Verify Sub',
      '--type',
      'enterprise-sub',
      '--dns',
      `127.0.0.1:${subPort}`,
      '--parent-dir',
      root,
    );
    expect(subSetup.code, subSetup.err.join('\n')).toBe(0);
    expect((await cli(sub, 'catemplates', '+WebServer')).code).toBe(0);
    const issue = async (name: string) => {
      const pem = join(work, `${name}.pem`);
      const r = await cli(
        sub,
        '--json',
        'submit',
        '--attrib',
        'CertificateTemplate:WebServer',
        opensslRequest(work, name).csr,
        pem,
      );
      expect(r.code, r.err.join('\n')).toBe(0);
      return { pem, serial: r.json.serialNumber as string };
    };
    const good = await issue('good');
    const bad = await issue('bad');
    expect((await cli(sub, 'crl')).code).toBe(0);
    // Revoked after the base: only the delta CRL lists it.
    expect((await cli(sub, 'revoke', bad.serial, 'KeyCompromise')).code).toBe(0);
    expect((await cli(sub, 'crl', 'delta')).code).toBe(0);
    const rootCert = join(root, 'CertEnroll', `127.0.0.1:${rootPort}_Verify Root.crt`);

    const ok = await cli(work, '--json', 'verify', good.pem, '--trust', rootCert, '--urlfetch');
    expect(ok.code, JSON.stringify(ok.json ?? ok.err)).toBe(0);
    expect(ok.json.ok).toBe(true);
    expect(ok.json.chain.map((c: { subject: string; revocation: string }) => [c.subject, c.revocation])).toEqual([
      ['CN=good', 'good'],
      ['CN=Verify Sub', 'good'],
      ['CN=Verify Root', 'root'],
    ]);
    expect(ok.json.chain[0].deltaCrlNumber).toBeGreaterThan(ok.json.chain[0].crlNumber);
    const okUrls = ok.json.fetched
      .filter((f: { ok: boolean }) => f.ok)
      .map((f: { kind: string; url: string }) => `${f.kind} ${f.url}`);
    expect(okUrls).toEqual(
      expect.arrayContaining([
        `AIA http://127.0.0.1:${subPort}/CertEnroll/127.0.0.1:${subPort}_Verify%20Sub.crt`,
        `CDP http://127.0.0.1:${subPort}/CertEnroll/Verify%20Sub.crl`,
        `Delta CDP http://127.0.0.1:${subPort}/CertEnroll/Verify%20Sub+.crl`,
        `CDP http://127.0.0.1:${rootPort}/CertEnroll/Verify%20Root.crl`,
      ]),
    );

    const revoked = await cli(work, 'verify', bad.pem, '--trust', rootCert, '--urlfetch');
    expect(revoked.code).toBe(5);
    expect(revoked.text).toMatch(/ERROR: "CN=bad" is revoked \(reason 1\)/);
    // Without URL fetching the intermediate is unknown.
    const offline = await cli(work, 'verify', good.pem, '--trust', rootCert);
    expect(offline.code).toBe(6);
    expect(offline.text).toMatch(/the issuer of "CN=good" \("CN=Verify Sub"\) was not found \(try --urlfetch\)/);
    // A CRL server that is down: the revocation cannot be checked.
    for (const s of servers.splice(1)) await new Promise((r) => s.close(r));
    const down = await cli(
      work,
      'verify',
      good.pem,
      '--trust',
      rootCert,
      '--cert',
      join(sub, 'CertEnroll', `127.0.0.1:${subPort}_Verify Sub.crt`),
      '--urlfetch',
    );
    expect(down.code).toBe(6);
    expect(down.text).toMatch(/ERROR: the revocation of "CN=good" could not be checked/);

    // OpenSSL agrees on both, with the same files.
    const subCert = join(work, 'sub.pem');
    opensslOk([
      'x509',
      '-inform',
      'DER',
      '-in',
      join(sub, 'CertEnroll', `127.0.0.1:${subPort}_Verify Sub.crt`),
      '-out',
      subCert,
    ]);
    const rootPem = join(work, 'root.pem');
    opensslOk(['x509', '-inform', 'DER', '-in', rootCert, '-out', rootPem]);
    const crls = join(work, 'crls.pem');
    const pemCrl = (f: string) => opensslOk(['crl', '-inform', 'DER', '-in', f]);
    writeFileSync(
      crls,
      [
        pemCrl(join(sub, 'CertEnroll', 'Verify Sub.crl')),
        pemCrl(join(sub, 'CertEnroll', 'Verify Sub+.crl')),
        pemCrl(join(root, 'CertEnroll', 'Verify Root.crl')),
      ].join(''),
    );
    const args = (leaf: string) => [
      'verify',
      '-crl_check_all',
      '-use_deltas',
      '-CAfile',
      rootPem,
      '-untrusted',
      subCert,
      '-CRLfile',
      crls,
      leaf,
    ];
    expect(openssl(args(good.pem)).status, openssl(args(good.pem)).output).toBe(0);
    expect(openssl(args(bad.pem)).output).toMatch(/certificate revoked/);
  });
});
