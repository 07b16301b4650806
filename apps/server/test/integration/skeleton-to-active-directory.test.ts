import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROGID_DEFAULT_EXIT } from '@certexit/core';
import { caRegistryPaths, openCa } from '@certexit/engine';
import { fromPem } from '@certexit/x509';
import { Client } from 'ldapts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSambaEnv } from '../../../../tooling/test/samba-env';
import { opensslRequest } from '../../../../tooling/test/test-pki';
import { runCli } from '../../src/cli/main';

/**
 * The walking skeleton, on real parts: a CA set up by the CLI accepts a PKCS#10 request made by `openssl req`,
 * issues the certificate, delivers EXITEVENT_CERTISSUED through the direct adapter to the default exit module, and
 * the module writes the certificate into the requester's userCertificate on a Samba AD DC (over LDAPS, verified
 * against the DC's CA).
 */
describe('CSR to Active Directory (Samba AD DC)', () => {
  const samba = readSambaEnv();
  const work = mkdtempSync(join(tmpdir(), 'certexit-skeleton-'));
  const dir = join(work, 'ca');
  const user = `skel${process.pid}${Date.now().toString(36)}`.slice(0, 20);
  const userDn = `CN=${user},CN=Users,${samba.baseDn}`;
  const admin = new Client({ url: samba.url, tlsOptions: { ca: [readFileSync(samba.caFile)] } });
  const lines: string[] = [];
  const io = { out: (l: string) => lines.push(l), err: (l: string) => lines.push(`ERR ${l}`) };

  beforeAll(async () => {
    await admin.bind(samba.bindDn, samba.bindPassword);
    await admin.add(userDn, {
      objectClass: ['top', 'person', 'organizationalPerson', 'user'],
      sAMAccountName: user,
      userAccountControl: '514',
      // The User template builds the certificate's subject and SAN from these.
      userPrincipalName: `${user}@${samba.realm.toLowerCase()}`,
      mail: `${user}@${samba.realm.toLowerCase()}`,
    });
  });

  afterAll(async () => {
    await admin.del(userDn).catch(() => undefined);
    await admin.unbind();
    rmSync(work, { recursive: true, force: true });
  });

  it('issues from an openssl CSR and publishes to the user object', async () => {
    expect(
      await runCli(
        [
          '--dir',
          dir,
          'setup',
          '--name',
          'certexit Skeleton CA',
          '--domain-dn',
          samba.baseDn,
          '--config-dn',
          samba.configDn,
        ],
        io,
      ),
    ).toBe(0);

    // The default module's directory settings, in its own configuration location (what setreg reaches), and the
    // CA's (CA\Directory), from which the policy builds a User certificate's names.
    const passwordFile = join(work, 'bind-password');
    writeFileSync(passwordFile, samba.bindPassword, { mode: 0o600 });
    const ca = await openCa(dir);
    const location = caRegistryPaths.exitModule(ca.sanitizedName, PROGID_DEFAULT_EXIT);
    for (const key of [location, `${ca.registryPath}\\Directory`]) {
      ca.registry.setValue(`${key}\\LdapServers`, [samba.url]);
      ca.registry.setValue(`${key}\\LdapBindDN`, samba.bindDn);
      ca.registry.setValue(`${key}\\LdapBindPasswordFile`, passwordFile);
      ca.registry.setValue(`${key}\\LdapCAFile`, samba.caFile);
    }
    await ca.store.close();

    const { csr } = opensslRequest(work, 'user', `/CN=${user}`);
    const certFile = join(work, 'user.pem');
    const code = await runCli(
      [
        '--dir',
        dir,
        'submit',
        '--attrib',
        'CertificateTemplate:User',
        '--requester',
        `${samba.domain}\\${user}`,
        csr,
        certFile,
      ],
      io,
    );
    expect(code, lines.join('\n')).toBe(0);
    expect(lines).toContain('Issued: Issued');
    expect(lines.some((l) => /EXITEVENT_CERTISSUED -> CertificateAuthority_MicrosoftDefault\.Exit: S_OK/.test(l))).toBe(
      true,
    );

    // OpenSSL accepts the certificate against the CA's published certificate.
    const opened = await openCa(dir);
    const caPem = join(work, 'ca.pem');
    writeFileSync(
      caPem,
      `-----BEGIN CERTIFICATE-----\n${Buffer.from(opened.certificate.der).toString('base64')}\n-----END CERTIFICATE-----\n`,
    );
    await opened.store.close();
    expect(execFileSync('openssl', ['verify', '-CAfile', caPem, certFile], { encoding: 'utf8' })).toContain(': OK');

    // An independent read of the directory sees exactly that certificate.
    const { searchEntries } = await admin.search(userDn, {
      scope: 'base',
      attributes: ['userCertificate'],
      explicitBufferAttributes: ['userCertificate'],
    });
    const values = [searchEntries[0]?.userCertificate ?? []].flat() as Buffer[];
    const der = fromPem(readFileSync(certFile, 'utf8')).der;
    expect(values.map((v) => Buffer.from(v).toString('hex'))).toEqual([Buffer.from(der).toString('hex')]);
  });

  it('leaves the directory alone for a template without CT_FLAG_PUBLISH_TO_DS, and the certificate stays issued', async () => {
    const { csr } = opensslRequest(work, 'web', `/CN=${user}`);
    // WebServer is offered, and this requester is named a web administrator for the submission.
    expect(await runCli(['--dir', dir, 'catemplates', '+WebServer'], io)).toBe(0);
    lines.length = 0;
    expect(
      await runCli(
        [
          '--dir',
          dir,
          'submit',
          '--attrib',
          'CertificateTemplate:WebServer',
          '--requester',
          `${samba.domain}\\${user}`,
          '--group',
          'Domain Admins',
          csr,
        ],
        io,
      ),
    ).toBe(0);
    expect(lines).toContain('Issued: Issued');
    const { searchEntries } = await admin.search(userDn, {
      scope: 'base',
      attributes: ['userCertificate'],
      explicitBufferAttributes: ['userCertificate'],
    });
    expect([searchEntries[0]?.userCertificate ?? []].flat()).toHaveLength(1);
  });

  it('keeps the request issued when the directory write fails, logging event 46', async () => {
    // The module's bind now fails (a wrong password); the CA's own directory look-up still works.
    const wrongPassword = join(work, 'wrong-password');
    writeFileSync(wrongPassword, 'not-the-password', { mode: 0o600 });
    const ca = await openCa(dir);
    const location = caRegistryPaths.exitModule(ca.sanitizedName, PROGID_DEFAULT_EXIT);
    ca.registry.setValue(`${location}\\LdapBindPasswordFile`, wrongPassword);
    await ca.store.close();
    const { csr } = opensslRequest(work, 'ghost', '/CN=ghost');
    const logged: Array<{ level: string; fields: Record<string, unknown> }> = [];
    const logger = {
      debug: () => undefined,
      info: () => undefined,
      warn: (fields: object) => logged.push({ level: 'warn', fields: fields as Record<string, unknown> }),
      error: (fields: object) => logged.push({ level: 'error', fields: fields as Record<string, unknown> }),
    };
    lines.length = 0;
    const code = await runCli(
      ['--dir', dir, 'submit', '--attrib', 'CertificateTemplate:User', '--requester', `${samba.domain}\\${user}`, csr],
      { ...io, logger },
    );
    expect(code).toBe(0);
    expect(lines).toContain('Issued: Issued');
    // The module's bind is refused: the directory's "logon failure", by its name.
    expect(lines).toContainEqual(
      expect.stringMatching(
        /EXITEVENT_CERTISSUED -> CertificateAuthority_MicrosoftDefault\.Exit: HRESULT_FROM_WIN32\(ERROR_LOGON_FAILURE\)/,
      ),
    );
    const event46 = logged.find((l) => l.fields.eventId === 46);
    expect(event46?.fields).toMatchObject({ module: PROGID_DEFAULT_EXIT, method: 'Notify' });
    expect(JSON.stringify(logged)).not.toContain(samba.bindPassword);
    expect(JSON.stringify(logged)).not.toContain('not-the-password');
    expect(location).toContain('ExitModules');
  });
});
