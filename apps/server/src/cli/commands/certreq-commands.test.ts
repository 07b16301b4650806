import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DB_DISP_ISSUED } from '@certexit/core';
import { afterEach, describe, expect, it } from 'vitest';
import { tempFolders } from '../../../../../packages/engine/test/support/ca-fixtures';
import { opensslOk, opensslRequest } from '../../../../../tooling/test/test-pki';
import { runCliInProcess } from '../../../test/support/run-cli-in-process';

const folders = tempFolders();
afterEach(() => folders.removeAll());

const cli = (dir: string, ...args: string[]) => runCliInProcess(dir, args);

const POLICY = `[Version]
Signature="$Windows NT$"

[NewRequest]
Subject = "CN=www.contoso.test"
KeySpec = 1
KeyAlgorithm = RSA
KeyLength = 3072
Exportable = TRUE
HashAlgorithm = sha256

[Extensions]
; SANs, certreq style
2.5.29.17 = "{text}"
_continue_ = "dns=www.contoso.test&"
_continue_ = "dns=contoso.test&"
_continue_ = "ipaddress=10.0.0.7"

[RequestAttributes]
CertificateTemplate = WebServer
`;

describe('certexit new / accept (certreq -new / -accept)', () => {
  it('makes a key and a request from a policy file, the CA issues it by its request attributes, accept installs it', {
    timeout: 60_000,
  }, async () => {
    const work = folders.make('certexit-cli-certreq-');
    const ca = join(work, 'ca');
    expect((await cli(ca, 'setup', '--name', 'Certreq CA')).code).toBe(0);
    expect((await cli(ca, 'catemplates', '+WebServer')).code).toBe(0);
    const inf = join(work, 'web.inf');
    writeFileSync(inf, POLICY);
    const made = await cli(ca, '--json', 'new', inf);
    expect(made.code, made.err.join('\n')).toBe(0);
    const requestFile = join(work, 'web.req');
    const keyFile = join(work, 'web.key');
    expect(made.json).toMatchObject({ request: requestFile, key: keyFile, keyAlgorithm: 'RSA_3072' });
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    // OpenSSL reads the request: its signature, subject, key size and SANs.
    const text = opensslOk(['req', '-in', requestFile, '-noout', '-text', '-verify']);
    expect(text).toMatch(/Subject: CN\s?=\s?www\.contoso\.test/);
    expect(text).toMatch(/Public-Key: \(3072 bit\)/);
    expect(text).toMatch(/DNS:www\.contoso\.test, DNS:contoso\.test, IP Address:10\.0\.0\.7/);
    expect(text).toMatch(/1\.3\.6\.1\.4\.1\.311\.13\.2\.1/);
    expect((await cli(ca, 'new', inf)).err.join()).toMatch(/web\.req exists: choose another name, or --force/);

    // No --attrib: the template comes from the request's [RequestAttributes].
    const certFile = join(work, 'issued.cer');
    const issued = await cli(ca, '--json', 'submit', requestFile, certFile);
    expect(issued.json?.disposition, issued.err.join('\n')).toBe(DB_DISP_ISSUED);
    const view = await cli(ca, '--json', 'view', '--out', 'CertificateTemplate');
    expect(view.json.rows).toEqual([{ CertificateTemplate: 'WebServer' }]);

    // accept finds the key beside the certificate, checks it matches, installs web.crt next to web.key.
    const accepted = await cli(ca, 'accept', certFile);
    expect(accepted.code, accepted.err.join('\n')).toBe(0);
    expect(accepted.out[0]).toBe(`Installed Certificate: ${join(work, 'web.crt')}`);
    const certKey = opensslOk(['x509', '-in', join(work, 'web.crt'), '-noout', '-pubkey']);
    expect(opensslOk(['pkey', '-in', keyFile, '-pubout'])).toBe(certKey);
    // A key that is not the certificate's is refused.
    const other = opensslRequest(work, 'other').key;
    const wrong = await cli(ca, 'accept', certFile, '--key', other);
    expect(wrong.code).toBe(1);
    expect(wrong.err.join()).toMatch(/is not the key of this certificate .*nothing was installed/);
    expect(readFileSync(join(work, 'web.crt'), 'utf8')).toContain('BEGIN CERTIFICATE');

    // Bad policy files say what is wrong.
    writeFileSync(inf, POLICY.replace('KeyLength = 3072', 'KeyLength = 1024'));
    expect((await cli(ca, 'new', inf, join(work, 'x.req'))).err.join()).toMatch(
      /KeyLength 1024 is not supported for RSA/,
    );
    writeFileSync(inf, POLICY.replace('dns=contoso.test&', 'x400=foo&'));
    expect((await cli(ca, 'new', inf, join(work, 'y.req'))).err.join()).toMatch(
      /line 14: the name kind x400 is not supported/,
    );
  });
});
