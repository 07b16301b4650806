/**
 * The directory publisher against a real OpenLDAP slapd (`bash scripts/openldap.sh start`): an inetOrgPerson found
 * by `uid` (`AccountFilterAttribute`), the certificate written to `userCertificate;binary`, TLS verified.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { ICertExit2, RegistryTree } from '@certexit/core';
import {
  CT_FLAG_PUBLISH_TO_DS,
  EXITEVENT_CERTISSUED,
  EXITPUB_ACTIVEDIRECTORY,
  EXITPUB_REMOVEOLDCERTS,
} from '@certexit/core';
import { DIRECTORY_ERROR_CODES, DirectoryError } from '@certexit/ldap';
import type { ServerExitFixture } from '@certexit/testing';
import { createTestServices, defaultFixture } from '@certexit/testing';
import { Client } from 'ldapts';
import { describe, expect, it } from 'vitest';
import { readOpenLdapEnv } from '../../../../tooling/test/openldap-env';
import { issueTestCertificate, makeTestCa } from '../../../../tooling/test/test-pki';
import { createDefaultExitModule } from '../../src';
import type { DirectorySuite } from './directory-suite';
import { directorySuite } from './directory-suite';
import { publishBurst } from './publish-burst';
import { secretFile } from './samba-fixture';

const RUN = `ol${randomBytes(3).toString('hex')}`;
const ATTRIBUTE = 'userCertificate;binary';

describe('default exit module → OpenLDAP slapd (userCertificate;binary, uid)', { timeout: 30_000 }, () => {
  let env: Record<string, string>;
  let admin: Client;
  let scratch: DirectorySuite['scratch'];
  let passwordFile: string;
  const { created } = directorySuite(async (folder) => {
    scratch = folder;
    env = readOpenLdapEnv();
    passwordFile = secretFile(scratch.path, 'bind-password', env.CERTEXIT_OPENLDAP_BIND_PASSWORD!);
    admin = new Client({
      url: env.CERTEXIT_OPENLDAP_URL!,
      tlsOptions: { ca: [readFileSync(env.CERTEXIT_OPENLDAP_CA!, 'utf8')], minVersion: 'TLSv1.2' },
    });
    await admin.bind(env.CERTEXIT_OPENLDAP_BIND_DN!, env.CERTEXIT_OPENLDAP_BIND_PASSWORD!);
    return admin;
  });

  const person = async (uid: string) => {
    const dn = `uid=${uid},ou=people,${env.CERTEXIT_OPENLDAP_BASE_DN}`;
    await admin.add(dn, { objectClass: ['inetOrgPerson'], uid, cn: uid, sn: uid });
    created.push(dn);
    return dn;
  };
  const certificates = async (dn: string): Promise<Buffer[]> => {
    const { searchEntries } = await admin.search(dn, {
      scope: 'base',
      attributes: [ATTRIBUTE],
      explicitBufferAttributes: [ATTRIBUTE, 'userCertificate'],
    });
    const entry = searchEntries[0]!;
    const value = entry[ATTRIBUTE] ?? entry.userCertificate ?? [];
    return (Array.isArray(value) ? value : [value]).filter((v): v is Buffer => Buffer.isBuffer(v));
  };
  const config = (overrides: RegistryTree = {}): RegistryTree => ({
    PublishCertFlags: EXITPUB_ACTIVEDIRECTORY,
    LdapServers: [env.CERTEXIT_OPENLDAP_URL!],
    LdapBindDN: env.CERTEXIT_OPENLDAP_BIND_DN!,
    LdapBindPasswordFile: passwordFile,
    LdapCAFile: env.CERTEXIT_OPENLDAP_CA!,
    DomainDN: env.CERTEXIT_OPENLDAP_BASE_DN!,
    UserCertificateAttribute: ATTRIBUTE,
    AccountFilterAttribute: 'uid',
    UserObjectClass: 'inetOrgPerson',
    ...overrides,
  });
  const publish = async (requester: string, der: Uint8Array, cfg: RegistryTree, caDer?: Uint8Array) => {
    const base = defaultFixture();
    const issued = base.contexts[1]!;
    const fixture: ServerExitFixture = {
      ...base,
      ca: caDer ? { ...base.ca, CertCount: 1, 'RawCACertificate.0': caDer } : base.ca,
      contexts: {
        ...base.contexts,
        1: {
          ...issued,
          request: { ...issued.request, RequesterName: requester },
          certificate: { ...issued.certificate, RawCertificate: der, EnrollmentFlags: CT_FLAG_PUBLISH_TO_DS },
          system: {},
        },
      },
    };
    const services = createTestServices({ fixture, config: cfg });
    const module = (await createDefaultExitModule().create(services)) as ICertExit2;
    await module.Initialize('certexit Test CA');
    return Promise.resolve(module.Notify(EXITEVENT_CERTISSUED, 1)).catch((e: unknown) => e);
  };

  it('publishes to userCertificate;binary of the inetOrgPerson found by uid, once', async () => {
    const ca = makeTestCa(scratch.path, `${RUN}-ca`);
    const uid = `${RUN}carol`;
    const dn = await person(uid);
    await person(`${RUN}dave`);
    const first = issueTestCertificate(scratch.path, ca, { cn: `${RUN}-c1`, days: 30, templateOid: '1.2.3.4' });
    expect(await publish(`CERTEXIT\\${uid}`, first.der, config())).toBe(0);
    expect(await publish(`CERTEXIT\\${uid}`, first.der, config())).toBe(0);
    let values = await certificates(dn);
    expect(values).toHaveLength(1);
    expect(Buffer.compare(values[0]!, Buffer.from(first.der))).toBe(0);

    // A renewal under the same template, with EXITPUB_REMOVEOLDCERTS: the old value goes.
    const second = issueTestCertificate(scratch.path, ca, { cn: `${RUN}-c2`, days: 30, templateOid: '1.2.3.4' });
    const flags = EXITPUB_ACTIVEDIRECTORY | EXITPUB_REMOVEOLDCERTS;
    expect(await publish(`CERTEXIT\\${uid}`, second.der, config({ PublishCertFlags: flags }), ca.der)).toBe(0);
    values = await certificates(dn);
    expect(values).toHaveLength(1);
    expect(Buffer.compare(values[0]!, Buffer.from(second.der))).toBe(0);
  });

  it('does not find the person with the AD defaults (sAMAccountName, objectClass=user)', async () => {
    const uid = `${RUN}erin`;
    await person(uid);
    const ca = makeTestCa(scratch.path, `${RUN}-ca2`);
    const cert = issueTestCertificate(scratch.path, ca, { cn: `${RUN}-e1`, days: 30 });
    const error = await publish(
      `CERTEXIT\\${uid}`,
      cert.der,
      config({ AccountFilterAttribute: '', UserObjectClass: '' }),
    );
    expect(DirectoryError.isInstance(error)).toBe(true);
    expect((error as DirectoryError).code).toBe(DIRECTORY_ERROR_CODES.ACCOUNT_NOT_FOUND);
    expect((error as Error).message).toContain('(&(objectClass=user)(sAMAccountName=');
  });

  it('publishes a burst concurrently with batched uid lookups, each certificate to its own person', async () => {
    const uids = [`${RUN}f0`, `${RUN}f1`, `${RUN}f2`, `${RUN}f3`];
    const dns = await Promise.all(uids.map(person));
    const ca = makeTestCa(scratch.path, `${RUN}-ca3`);
    const names = [...uids.map((u, i) => (i === 0 ? u.toUpperCase() : u)), `${RUN}nobody`];
    const ders = names.map((_, i) => issueTestCertificate(scratch.path, ca, { cn: `${RUN}-f${i}`, days: 30 }).der);

    const outcome = await publishBurst(
      names.map((n) => `CERTEXIT\\${n}`),
      ders,
      config(),
    );

    expect(outcome.results.map((r) => r.status)).toEqual([
      'fulfilled',
      'fulfilled',
      'fulfilled',
      'fulfilled',
      'rejected',
    ]);
    expect(((outcome.results[4] as PromiseRejectedResult).reason as DirectoryError).code).toBe(
      DIRECTORY_ERROR_CODES.ACCOUNT_NOT_FOUND,
    );
    for (const [i, dn] of dns.entries()) {
      expect((await certificates(dn)).map((v) => v.toString('hex'))).toEqual([Buffer.from(ders[i]!).toString('hex')]);
    }
    expect(outcome.connections).toBe(1);
    expect(outcome.searches).toBeLessThan(names.length);
  });
});
