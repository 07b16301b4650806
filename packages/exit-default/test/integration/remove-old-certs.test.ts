/**
 * `EXITPUB_REMOVEOLDCERTS` against the real Samba AD DC (`bash scripts/samba-dc.sh start`): which values go and
 * which stay, read back independently with an administrator connection.
 */
import { randomBytes } from 'node:crypto';
import type { ICertExit2, RegistryTree } from '@certexit/core';
import {
  CT_FLAG_PUBLISH_TO_DS,
  EXITEVENT_CERTISSUED,
  EXITPUB_ACTIVEDIRECTORY,
  EXITPUB_REMOVEOLDCERTS,
} from '@certexit/core';
import type { ServerExitFixture } from '@certexit/testing';
import { createTestServices, defaultFixture } from '@certexit/testing';
import type { Client } from 'ldapts';
import { Attribute, Change } from 'ldapts';
import { describe, expect, it } from 'vitest';
import type { TestCa } from '../../../../tooling/test/test-pki';
import { issueTestCertificate, makeTestCa } from '../../../../tooling/test/test-pki';
import type { RevocationLookup } from '../../src';
import { createDefaultExitModule, REMOVE_OLD_CERTS_EXPIRED } from '../../src';
import type { DirectorySuite } from './directory-suite';
import { directorySuite } from './directory-suite';
import type { SambaEnv } from './samba-fixture';
import { adminClient, loadSambaEnv, readUserCertificates, secretFile } from './samba-fixture';

const RUN = `rc${randomBytes(3).toString('hex')}`;
const ISSUED = 1;
const DAY = 86_400_000;
const USER_TEMPLATE = '1.3.6.1.4.1.311.21.8.1000.1';
const EFS_TEMPLATE = '1.3.6.1.4.1.311.21.8.1000.2';

describe('EXITPUB_REMOVEOLDCERTS → Samba AD DC', { timeout: 60_000 }, () => {
  let env: SambaEnv;
  let admin: Client;
  let scratch: DirectorySuite['scratch'];
  let passwordFile: string;
  let ca: TestCa;
  let otherCa: TestCa;
  const { created } = directorySuite(async (folder) => {
    scratch = folder;
    env = loadSambaEnv();
    passwordFile = secretFile(scratch.path, 'bind-password', env.bindPassword);
    ca = makeTestCa(scratch.path, `${RUN}-ca`);
    otherCa = makeTestCa(scratch.path, `${RUN}-other-ca`);
    admin = await adminClient(env);
    return admin;
  });

  const newUser = async (name: string, values: Uint8Array[]) => {
    const sam = `${RUN}${name}`;
    const dn = `CN=${sam},CN=Users,${env.baseDN}`;
    await admin.add(dn, {
      objectClass: ['top', 'person', 'organizationalPerson', 'user'],
      cn: sam,
      sAMAccountName: sam,
      userAccountControl: '514',
    });
    created.push(dn);
    if (values.length > 0) {
      await admin.modify(
        dn,
        new Change({
          operation: 'add',
          modification: new Attribute({ type: 'userCertificate', values: values.map((v) => Buffer.from(v)) }),
        }),
      );
    }
    return { sam, dn };
  };

  const fixture = (sam: string, der: Uint8Array): ServerExitFixture => {
    const base = defaultFixture();
    const issued = base.contexts[ISSUED]!;
    return {
      ...base,
      ca: { ...base.ca, CertCount: 1, 'RawCACertificate.0': ca.der },
      contexts: {
        ...base.contexts,
        [ISSUED]: {
          ...issued,
          request: { ...issued.request, RequesterName: `${env.domain}\\${sam}` },
          certificate: {
            ...issued.certificate,
            RawCertificate: der,
            EnrollmentFlags: CT_FLAG_PUBLISH_TO_DS,
            GeneralFlags: 0,
            CertificateTemplate: USER_TEMPLATE,
          },
          system: {},
        },
      },
    };
  };

  const config = (overrides: RegistryTree = {}): RegistryTree => ({
    PublishCertFlags: EXITPUB_ACTIVEDIRECTORY | EXITPUB_REMOVEOLDCERTS,
    LdapServers: [env.url],
    LdapBindDN: env.bindDN,
    LdapBindPasswordFile: passwordFile,
    LdapCAFile: env.ca,
    ...overrides,
  });

  /** Publishes `der` for `sam` with the clock two days ahead, so one-day certificates are expired. */
  const publish = async (sam: string, der: Uint8Array, cfg: RegistryTree, isRevoked?: RevocationLookup) => {
    const services = createTestServices({ fixture: fixture(sam, der), config: cfg });
    const module = (await createDefaultExitModule({
      now: () => new Date(Date.now() + 2 * DAY),
      isRevoked,
    }).create(services)) as ICertExit2;
    await module.Initialize('certexit Test CA');
    expect(await module.Notify(EXITEVENT_CERTISSUED, ISSUED)).toBe(0);
    return services;
  };

  const has = (values: Buffer[], der: Uint8Array) => values.some((v) => Buffer.compare(v, Buffer.from(der)) === 0);

  it('removes expired, revoked and superseded certificates of this CA, and keeps everything else', async () => {
    const issue = (cn: string, days: number, templateOid: string, from = ca) =>
      issueTestCertificate(scratch.path, from, { cn: `${RUN}-${cn}`, days, templateOid });
    const expired = issue('expired', 1, EFS_TEMPLATE);
    const superseded = issue('superseded', 30, USER_TEMPLATE);
    const revoked = issue('revoked', 30, EFS_TEMPLATE);
    const kept = issue('kept', 30, EFS_TEMPLATE);
    const foreignExpired = issue('foreign-expired', 1, USER_TEMPLATE, otherCa);
    const foreignSameTemplate = issue('foreign-same', 30, USER_TEMPLATE, otherCa);
    const renewed = issue('renewed', 30, USER_TEMPLATE);
    const user = await newUser(
      'all',
      [expired, superseded, revoked, kept, foreignExpired, foreignSameTemplate].map((c) => c.der),
    );
    const asked: string[] = [];
    const services = await publish(user.sam, renewed.der, config(), ({ serialNumber }) => {
      asked.push(serialNumber);
      return serialNumber === revoked.serialNumber;
    });

    const values = await readUserCertificates(admin, user.dn);
    expect(values).toHaveLength(4);
    for (const stays of [renewed, kept, foreignExpired, foreignSameTemplate]) expect(has(values, stays.der)).toBe(true);
    for (const goes of [expired, superseded, revoked]) expect(has(values, goes.der)).toBe(false);
    // Another CA's serials are never even looked up.
    expect(asked).not.toContain(foreignExpired.serialNumber);
    expect(asked).not.toContain(foreignSameTemplate.serialNumber);
    const removal = services.logger.entries.find((e) => /REMOVEOLDCERTS/.test(e.msg ?? ''));
    expect((removal!.fields as { removed: unknown[] }).removed).toEqual(
      expect.arrayContaining([
        { serialNumber: expired.serialNumber, reason: 'expired' },
        { serialNumber: superseded.serialNumber, reason: 'superseded' },
        { serialNumber: revoked.serialNumber, reason: 'revoked' },
      ]),
    );

    // Publishing again changes nothing.
    await publish(user.sam, renewed.der, config());
    expect(await readUserCertificates(admin, user.dn)).toHaveLength(4);
  });

  it('without an isRevoked lookup, a revoked certificate stays (the rule cannot be decided)', async () => {
    const other = issueTestCertificate(scratch.path, ca, {
      cn: `${RUN}-norevoke`,
      days: 30,
      templateOid: EFS_TEMPLATE,
    });
    const renewed = issueTestCertificate(scratch.path, ca, {
      cn: `${RUN}-norevoke-new`,
      days: 30,
      templateOid: USER_TEMPLATE,
    });
    const user = await newUser('norev', [other.der]);
    await publish(user.sam, renewed.der, config());
    const values = await readUserCertificates(admin, user.dn);
    expect(values).toHaveLength(2);
  });

  it('keeps everything when the flag is off, and applies only the rules of RemoveOldCertsRules', async () => {
    const expired = issueTestCertificate(scratch.path, ca, { cn: `${RUN}-r-exp`, days: 1, templateOid: EFS_TEMPLATE });
    const older = issueTestCertificate(scratch.path, ca, { cn: `${RUN}-r-old`, days: 30, templateOid: USER_TEMPLATE });
    const first = issueTestCertificate(scratch.path, ca, { cn: `${RUN}-r-new1`, days: 30, templateOid: USER_TEMPLATE });
    const second = issueTestCertificate(scratch.path, ca, {
      cn: `${RUN}-r-new2`,
      days: 30,
      templateOid: USER_TEMPLATE,
    });
    const user = await newUser('rules', [expired.der, older.der]);

    await publish(user.sam, first.der, config({ PublishCertFlags: EXITPUB_ACTIVEDIRECTORY }));
    expect(await readUserCertificates(admin, user.dn)).toHaveLength(3);

    await publish(user.sam, second.der, config({ RemoveOldCertsRules: REMOVE_OLD_CERTS_EXPIRED }));
    const values = await readUserCertificates(admin, user.dn);
    expect(values).toHaveLength(3);
    expect(has(values, expired.der)).toBe(false);
    for (const stays of [older, first, second]) expect(has(values, stays.der)).toBe(true);
  });
});
