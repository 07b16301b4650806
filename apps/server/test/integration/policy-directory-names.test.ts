import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CERTSRV_E_SUBJECT_EMAIL_REQUIRED,
  CERTSRV_E_TEMPLATE_DENIED,
  CT_FLAG_SUBJECT_ALT_REQUIRE_DIRECTORY_GUID,
  CT_FLAG_SUBJECT_ALT_REQUIRE_DOMAIN_DNS,
  CT_FLAG_SUBJECT_ALT_REQUIRE_SPN,
  CT_FLAG_SUBJECT_REQUIRE_DNS_AS_CN,
  DB_DISP_DENIED,
  DB_DISP_ISSUED,
  EXITEVENT_CERTDENIED,
  HRESULT_NO_SUCH_USER,
} from '@certexit/core';
import { fromPem, subjectAltName } from '@certexit/x509';
import { Client } from 'ldapts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TAG_UTF8_STRING } from '../../../../tooling/test/der-builder';
import { eventually } from '../../../../tooling/test/eventually';
import { readSambaEnv } from '../../../../tooling/test/samba-env';
import type { PythonCertificate } from '../../../../tooling/test/strict-parsers';
import { parseStrictly } from '../../../../tooling/test/strict-parsers';
import type { TestPki } from '../../../../tooling/test/test-pki';
import { createTestPki } from '../../../../tooling/test/test-pki';
import { craftedRequest, rawName } from '../support/crafted-request';
import type { ServedCa } from '../support/served-ca';
import { serveCa } from '../support/served-ca';

/**
 * An enterprise CA whose directory is the project's Samba AD DC builds subjects and alternative names from the
 * requester's directory object (msPKI-Certificate-Name-Flag), whatever the request asks, and takes the requester's
 * groups from `tokenGroups`: on the built `certexit serve` over HTTPS, with requester tokens. The test's users,
 * computer and group have unique names and are deleted afterwards.
 */
describe('names and groups from the directory (Samba AD DC), on the built server over HTTPS', () => {
  const samba = readSambaEnv();
  const work = mkdtempSync(join(tmpdir(), 'certexit-policy-dir-'));
  const s = `p${randomBytes(4).toString('hex')}`;
  const base = samba.baseDn;
  const realm = samba.realm.toLowerCase();
  const objects = {
    user: { name: `${s}u1`, dn: `CN=Policy User ${s},CN=Users,${base}` },
    noMail: { name: `${s}nm`, dn: `CN=${s}nm,CN=Users,${base}` },
    other: { name: `${s}u2`, dn: `CN=${s}u2,CN=Users,${base}` },
    computer: { name: `${s}pc$`, dn: `CN=${s}pc,CN=Computers,${base}` },
    group: { name: `${s}web`, dn: `CN=${s}web,CN=Users,${base}` },
  };
  const admin = new Client({ url: samba.url, tlsOptions: { ca: [readFileSync(samba.caFile)] } });
  const issued: Uint8Array[] = [];
  const tokens: Record<string, string> = {};
  let pki: TestPki;
  let ca: ServedCa;

  const submit = async (who: string, request: string, template: string) => {
    const answer = await ca.call('/v1/requests', {
      token: tokens[who],
      body: { request, attributes: [`CertificateTemplate:${template}`] },
    });
    if (answer.json?.certificate) issued.push(fromPem(answer.json.certificate).der);
    return answer;
  };
  const parsed = (certificate: string): PythonCertificate => parseStrictly([fromPem(certificate).der])[0]!.python;
  /** A request naming the domain administrator, as an ESC1 attacker writes it. */
  const administratorRequest = () =>
    craftedRequest(rawName(['2.5.4.3', TAG_UTF8_STRING, 'Administrator']), [
      {
        oid: '2.5.29.17',
        value: subjectAltName({ upn: [`administrator@${realm}`], dns: [`dc1.${realm}`] }).value,
      },
    ]);
  const utf8 = (hex: string) => Buffer.from(hex, 'hex').subarray(2).toString('utf8');

  beforeAll(async () => {
    await admin.bind(samba.bindDn, samba.bindPassword);
    const user = (name: string, extra: Record<string, string> = {}) => ({
      objectClass: ['top', 'person', 'organizationalPerson', 'user'],
      sAMAccountName: name,
      userAccountControl: '514',
      ...extra,
    });
    await admin.add(
      objects.user.dn,
      user(objects.user.name, {
        userPrincipalName: `${objects.user.name}@${realm}`,
        mail: `${objects.user.name}@mail.${realm}`,
      }),
    );
    await admin.add(
      objects.noMail.dn,
      user(objects.noMail.name, { userPrincipalName: `${objects.noMail.name}@${realm}` }),
    );
    await admin.add(
      objects.other.dn,
      user(objects.other.name, {
        userPrincipalName: `${objects.other.name}@${realm}`,
        mail: `${objects.other.name}@${realm}`,
      }),
    );
    await admin.add(objects.computer.dn, {
      objectClass: ['top', 'person', 'organizationalPerson', 'user', 'computer'],
      sAMAccountName: objects.computer.name,
      userAccountControl: '4098',
      dNSHostName: `${s}pc.${realm}`,
      servicePrincipalName: [`HOST/${s}pc.${realm}`, `HOST/${s.toUpperCase()}PC`, `HTTP/app-${s}.${realm}`],
    });
    await admin.add(objects.group.dn, {
      objectClass: ['top', 'group'],
      sAMAccountName: objects.group.name,
      member: [objects.user.dn],
    });
    const passwordFile = join(work, 'bind-password');
    writeFileSync(passwordFile, samba.bindPassword, { mode: 0o600 });
    pki = createTestPki();
    ca = await serveCa({
      dir: join(work, 'ca'),
      pki,
      setupArgs: [
        '--name',
        'Policy Directory CA',
        '--type',
        'enterprise-root',
        '--domain-dn',
        samba.baseDn,
        '--config-dn',
        samba.configDn,
      ],
      prepare: (cli) => {
        cli('setreg', 'CA\\Directory\\LdapServers', samba.url);
        cli('setreg', 'CA\\Directory\\LdapBindDN', samba.bindDn);
        cli('setreg', 'CA\\Directory\\LdapBindPasswordFile', passwordFile);
        cli('setreg', 'CA\\Directory\\LdapCAFile', samba.caFile);
        for (const [key, o] of Object.entries(objects)) {
          if (key === 'group') continue;
          tokens[key] = cli('caller', 'add', `${samba.domain}\\${o.name}`, '--role', 'requester').token as string;
        }
        tokens.stranger = cli('caller', 'add', `${samba.domain}\\${s}none`, '--role', 'requester').token as string;
        // A web template for the members of one directory group.
        cli('template', 'copy', 'WebServer', 'GroupWeb');
        cli('template', 'set', 'GroupWeb', 'Enroll', `+${objects.group.name}`);
        // A computer template that asks for every directory name flag AD CS knows.
        cli('template', 'copy', 'Machine', 'DirectoryNames');
        cli(
          'template',
          'set',
          'DirectoryNames',
          'nameFlags',
          String(
            CT_FLAG_SUBJECT_REQUIRE_DNS_AS_CN |
              CT_FLAG_SUBJECT_ALT_REQUIRE_DIRECTORY_GUID |
              CT_FLAG_SUBJECT_ALT_REQUIRE_SPN |
              CT_FLAG_SUBJECT_ALT_REQUIRE_DOMAIN_DNS,
          ),
        );
        cli('catemplates', '+GroupWeb', '+DirectoryNames');
      },
    });
  }, 120_000);

  afterAll(async () => {
    await ca?.stop();
    pki?.remove();
    for (const o of Object.values(objects).reverse()) await admin.del(o.dn).catch(() => undefined);
    await admin.unbind();
    rmSync(work, { recursive: true, force: true });
  });

  it('builds a User certificate from the requester’s object, not from CN=Administrator and the administrator’s UPN', async () => {
    const answer = await submit('user', await administratorRequest(), 'User');
    expect(answer.json.disposition, answer.text).toBe(DB_DISP_ISSUED);
    const cert = parsed(answer.json.certificate);
    expect(cert.subject).toBe(
      `1.2.840.113549.1.9.1=${objects.user.name}@mail.${realm},CN=Policy User ${s},CN=Users,${samba.baseDn.replaceAll(' ', '')}`,
    );
    expect(cert.san.map((n) => (n.type === 'otherName' ? `upn:${utf8(n.value)}` : `${n.type}:${n.value}`))).toEqual([
      `upn:${objects.user.name}@${realm}`,
      `email:${objects.user.name}@mail.${realm}`,
    ]);
    expect(JSON.stringify(cert)).not.toMatch(/administrator/i);
  });

  it('refuses a User certificate to a requester without mail (CERTSRV_E_SUBJECT_EMAIL_REQUIRED), and to one the directory does not know', async () => {
    const noMail = await submit('noMail', await administratorRequest(), 'User');
    expect(noMail.json).toMatchObject({
      disposition: DB_DISP_DENIED,
      statusCode: CERTSRV_E_SUBJECT_EMAIL_REQUIRED | 0,
    });
    const stranger = await submit('stranger', await administratorRequest(), 'User');
    expect(stranger.json).toMatchObject({
      disposition: DB_DISP_DENIED,
      statusCode: HRESULT_NO_SUCH_USER | 0,
    });
    await eventually(() => expect(ca.events()).toContainEqual([EXITEVENT_CERTDENIED, stranger.json.requestId]), 15_000);
  });

  it('builds a Machine certificate from the computer’s dNSHostName, and lets no user enroll for it', async () => {
    const answer = await submit('computer', await administratorRequest(), 'Machine');
    expect(answer.json.disposition, answer.text).toBe(DB_DISP_ISSUED);
    const cert = parsed(answer.json.certificate);
    expect(cert.subject).toBe(`CN=${s}pc.${realm}`);
    expect(cert.san).toEqual([{ type: 'dns', value: `${s}pc.${realm}` }]);
    const user = await submit('user', await administratorRequest(), 'Machine');
    expect(user.json).toMatchObject({ disposition: DB_DISP_DENIED, statusCode: CERTSRV_E_TEMPLATE_DENIED | 0 });
  });

  it('adds the objectGUID, the SPN hosts and the domain names the name flags ask for', async () => {
    const answer = await submit('computer', await administratorRequest(), 'DirectoryNames');
    expect(answer.json.disposition, answer.text).toBe(DB_DISP_ISSUED);
    const cert = parsed(answer.json.certificate);
    const { searchEntries } = await admin.search(objects.computer.dn, {
      scope: 'base',
      attributes: ['objectGUID'],
      explicitBufferAttributes: ['objectGUID'],
    });
    const guid = Buffer.from(searchEntries[0]!.objectGUID as Buffer).toString('hex');
    expect(cert.san).toEqual([
      { type: 'otherName', oid: '1.3.6.1.4.1.311.25.1', value: `0410${guid}` },
      { type: 'dns', value: `${s}pc.${realm}` },
      { type: 'dns', value: `app-${s}.${realm}` },
      { type: 'dns', value: realm },
      { type: 'dns', value: samba.domain },
    ]);
  });

  it('counts the requester’s directory groups (tokenGroups) for the template’s permissions', async () => {
    const request = await craftedRequest(rawName(['2.5.4.3', TAG_UTF8_STRING, `web-${s}.${realm}`]));
    const member = await submit('user', request, 'GroupWeb');
    expect(member.json.disposition, member.text).toBe(DB_DISP_ISSUED);
    expect(parsed(member.json.certificate).subject).toBe(`CN=web-${s}.${realm}`);
    const outsider = await submit('other', request, 'GroupWeb');
    expect(outsider.json).toMatchObject({ disposition: DB_DISP_DENIED, statusCode: CERTSRV_E_TEMPLATE_DENIED | 0 });
    expect(outsider.json.dispositionMessage).toMatch(/Domain Users/);
  });

  it('every certificate the CA signed parses with openssl x509 -text and Python cryptography', () => {
    expect(issued.length).toBe(4);
    for (const { python } of parseStrictly(issued)) expect(python.ok).toBe(true);
  });
});
