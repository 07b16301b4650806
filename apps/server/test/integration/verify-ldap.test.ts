import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Attribute, Change, Client } from 'ldapts';
import { afterAll, describe, expect, it } from 'vitest';
import { readOpenLdapEnv } from '../../../../tooling/test/openldap-env';
import { opensslRequest } from '../../../../tooling/test/test-pki';
import { cliOnFolder } from '../support/run-cli-in-process';

const work = mkdtempSync(join(tmpdir(), 'certexit-verify-ldap-'));
const dir = join(work, 'ca');
const created: string[] = [];
let admin: Client | undefined;
afterAll(async () => {
  for (const dn of created) await admin?.del(dn).catch(() => undefined);
  await admin?.unbind().catch(() => undefined);
  rmSync(work, { recursive: true, force: true });
});

const { cli } = cliOnFolder(dir);

describe('certexit verify --urlfetch over LDAP (OpenLDAP)', () => {
  it('reads the CRL named by an ldap:// CDP and finds a revoked certificate in it', { timeout: 60_000 }, async () => {
    const env = readOpenLdapEnv();
    const server = env.CERTEXIT_OPENLDAP_LDAP_URL!;
    const dn = `cn=verify-${randomBytes(4).toString('hex')},${env.CERTEXIT_OPENLDAP_BASE_DN}`;
    expect((await cli('setup', '--name', 'LDAP Verify CA')).code).toBe(0);
    expect((await cli('catemplates', '+WebServer')).code).toBe(0);
    // Certificates name the LDAP CDP only (no HTTP one), so the CRL can only come from the directory.
    expect((await cli('setreg', 'CA\\CRLPublicationURLs', '-6:http://%1/CertEnroll/%3%8%9.crl')).code).toBe(0);
    const ldapUrl = `${server}/${dn}?certificateRevocationList;binary?base?objectclass=cRLDistributionPoint`;
    const added = await cli('setreg', 'CA\\CRLPublicationURLs', `+2:${ldapUrl}`);
    expect(added.code, added.err.join('\n')).toBe(0);
    const issue = async (name: string) => {
      const pem = join(work, `${name}.pem`);
      const r = await cli(
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
    expect((await cli('revoke', bad.serial, 'CACompromise')).code).toBe(0);
    expect((await cli('crl')).code).toBe(0);

    // The CRL goes where the URL says, as a publication to the directory would put it.
    admin = new Client({ url: server });
    await admin.bind(env.CERTEXIT_OPENLDAP_BIND_DN!, env.CERTEXIT_OPENLDAP_BIND_PASSWORD!);
    const crl = readFileSync(join(dir, 'CertEnroll', 'LDAP Verify CA.crl'));
    await admin.add(dn, { objectClass: ['cRLDistributionPoint'], cn: dn.split(',')[0]!.slice(3) });
    created.push(dn);
    await admin.modify(dn, [
      new Change({
        operation: 'replace',
        modification: new Attribute({ type: 'certificateRevocationList;binary', values: [crl] }),
      }),
    ]);

    const root = join(dir, 'CertEnroll', 'localhost_LDAP Verify CA.crt');
    const ok = await cli('--json', 'verify', good.pem, '--trust', root, '--urlfetch');
    expect(ok.code, JSON.stringify(ok.json)).toBe(0);
    expect(ok.json.fetched).toContainEqual({ url: ldapUrl, kind: 'CDP', ok: true });
    expect(ok.json.chain[0]).toMatchObject({ subject: 'CN=good', revocation: 'good' });
    const revoked = await cli('--json', 'verify', bad.pem, '--trust', root, '--urlfetch');
    expect(revoked.code).toBe(5);
    expect(revoked.json.chain[0]).toMatchObject({ revocation: 'revoked', reason: 2 });
  });
});
