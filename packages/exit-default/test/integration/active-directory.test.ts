/**
 * The Active Directory publisher against a real Samba AD DC (`bash scripts/samba-dc.sh start`). Fails, with the
 * command to run, when the DC's env file is missing. TLS is always verified against the DC's CA.
 */
import { randomBytes } from 'node:crypto';
import type { ICertExit2, RegistryTree } from '@certexit/core';
import {
  CT_FLAG_MACHINE_TYPE,
  CT_FLAG_PUBLISH_TO_DS,
  EXITEVENT_CERTISSUED,
  EXITPUB_ACTIVEDIRECTORY,
} from '@certexit/core';
import { connectDirectory, DIRECTORY_ERROR_CODES, DIRECTORY_HRESULTS, DirectoryError } from '@certexit/ldap';
import type { ServerExitFixture, TestServices } from '@certexit/testing';
import { createTestServices, defaultFixture } from '@certexit/testing';
import type { Client } from 'ldapts';
import { Attribute, Change } from 'ldapts';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeTestCa, opensslSelfSignedDer } from '../../../../tooling/test/test-pki';
import { createDefaultExitModule } from '../../src';
import { publishBurst } from './publish-burst';
import type { SambaEnv } from './samba-fixture';
import { adminClient, loadSambaEnv, readUserCertificates, scratchDir, secretFile } from './samba-fixture';

const RUN = `cx${randomBytes(3).toString('hex')}`;
const ISSUED = 1;

interface TestAccount {
  readonly sam: string;
  readonly dn: string;
}

describe('default exit module → Samba AD DC', { timeout: 60_000 }, () => {
  let env: SambaEnv;
  let admin: Client;
  let scratch: ReturnType<typeof scratchDir>;
  let passwordFile: string;
  const created: string[] = [];
  const users: Record<'alice' | 'bob' | 'paren', TestAccount> = {} as never;
  let computer: TestAccount;

  // Without a DC every test fails with the setup error (the command to run), rather than being skipped.
  let setupError: unknown;
  beforeEach(() => {
    if (setupError !== undefined) throw setupError;
  });

  beforeAll(async () => {
    try {
      await setUp();
    } catch (error) {
      setupError = error;
    }
  });

  const setUp = async () => {
    env = loadSambaEnv();
    scratch = scratchDir();
    passwordFile = secretFile(scratch.path, 'bind-password', env.bindPassword);
    admin = await adminClient(env);
    // sAMAccountName: ≤ 20 characters; `(` and `)` are allowed in AD account names, `*` is not.
    for (const [key, sam] of [
      ['alice', `${RUN}alice`],
      ['bob', `${RUN}bob`],
      ['paren', `${RUN}a(b)`],
    ] as const) {
      const dn = `CN=${sam},CN=Users,${env.baseDN}`;
      await admin.add(dn, {
        objectClass: ['top', 'person', 'organizationalPerson', 'user'],
        cn: sam,
        sAMAccountName: sam,
        userAccountControl: '514', // NORMAL_ACCOUNT | ACCOUNTDISABLE: no password needed
      });
      created.push(dn);
      users[key] = { sam, dn };
    }
    const host = `${RUN}WS`.toUpperCase();
    computer = { sam: `${host}$`, dn: `CN=${host},CN=Computers,${env.baseDN}` };
    await admin.add(computer.dn, {
      objectClass: ['top', 'person', 'organizationalPerson', 'user', 'computer'],
      cn: host,
      sAMAccountName: computer.sam,
      userAccountControl: '4098', // WORKSTATION_TRUST_ACCOUNT | ACCOUNTDISABLE
    });
    created.push(computer.dn);
  };

  afterAll(async () => {
    if (admin) {
      for (const dn of created.reverse()) await admin.del(dn).catch(() => undefined);
      await admin.unbind();
    }
    scratch?.dispose();
  });

  /** Module configuration for the DC, with overrides. */
  const config = (overrides: RegistryTree = {}): RegistryTree => ({
    PublishCertFlags: EXITPUB_ACTIVEDIRECTORY,
    LdapServers: [env.url],
    LdapBindDN: env.bindDN,
    LdapBindPasswordFile: passwordFile,
    LdapCAFile: env.ca,
    LdapTimeoutMs: 10_000,
    ...overrides,
  });

  /** The kit's fixture with the issued context rewritten for one requester and certificate. */
  const fixture = (requester: string, der: Uint8Array, extra: { machine?: boolean; userDN?: string } = {}) => {
    const base = defaultFixture();
    const issued = base.contexts[ISSUED]!;
    return {
      ...base,
      contexts: {
        ...base.contexts,
        [ISSUED]: {
          ...issued,
          request: { ...issued.request, RequesterName: requester },
          certificate: {
            ...issued.certificate,
            RawCertificate: der,
            EnrollmentFlags: CT_FLAG_PUBLISH_TO_DS,
            GeneralFlags: extra.machine ? CT_FLAG_MACHINE_TYPE : 0,
            CertificateTemplate: extra.machine ? 'Machine' : 'User',
          },
          // No UserDN unless asked: the kit's default names an object this DC does not have.
          system: (extra.userDN ? { UserDN: extra.userDN } : {}) as Record<string, string>,
        },
      },
    } satisfies ServerExitFixture;
  };

  /** Creates and initializes the module on fresh test services; `publish()` sends CERTISSUED. */
  const run = async (f: ServerExitFixture, cfg: RegistryTree) => {
    const services: TestServices = createTestServices({ fixture: f, config: cfg });
    const module = (await createDefaultExitModule().create(services)) as ICertExit2;
    await module.Initialize('certexit Test CA');
    return { services, module, publish: async () => module.Notify(EXITEVENT_CERTISSUED, ISSUED) };
  };

  const expectNoSecretsLogged = (services: TestServices, der: Uint8Array) => {
    const logged = JSON.stringify(services.logger.entries);
    expect(logged).not.toContain(env.bindPassword);
    expect(logged).not.toContain(Buffer.from(der).toString('base64').slice(0, 40));
    expect(logged).not.toContain(Buffer.from(der).toString('hex').slice(0, 40));
  };

  it('publishes a user certificate to userCertificate, exactly once even when published twice', async () => {
    const der = opensslSelfSignedDer(scratch.path, `${RUN}-alice`);
    const { services, publish } = await run(fixture(`${env.domain}\\${users.alice.sam}`, der), config());
    services.setEventId('certexit Test CA/1');

    await expect(publish()).resolves.toBe(0);
    let values = await readUserCertificates(admin, users.alice.dn);
    expect(values).toHaveLength(1);
    expect(Buffer.compare(values[0]!, Buffer.from(der))).toBe(0);

    // A retry of the same notification (same EventID) does not even go to the directory: it was done.
    await expect(publish()).resolves.toBe(0);
    expect(services.logger.entries.some((e) => /done by an earlier attempt/.test(e.msg ?? ''))).toBe(true);
    // Another notification of the same certificate (a replay): the directory already holds the value.
    services.setEventId('certexit Test CA/2');
    await expect(publish()).resolves.toBe(0);
    values = await readUserCertificates(admin, users.alice.dn);
    expect(values).toHaveLength(1);
    expect(Buffer.compare(values[0]!, Buffer.from(der))).toBe(0);

    const published = services.logger.entries.filter((e) => e.level === 'info' && /directory/.test(e.msg ?? ''));
    expect(published.map((e) => (e.fields as { status?: string }).status)).toEqual(['added', 'already-present']);
    expectNoSecretsLogged(services, der);
    // Nobody else got it.
    expect(await readUserCertificates(admin, users.bob.dn)).toHaveLength(0);
  });

  it('adds a second certificate beside the first (renewal) and takes the bind password from an env var', async () => {
    const der = opensslSelfSignedDer(scratch.path, `${RUN}-alice-2`);
    const variable = `CERTEXIT_TEST_BIND_PASSWORD_${RUN.toUpperCase()}`;
    process.env[variable] = env.bindPassword;
    try {
      const cfg = config({ LdapBindPasswordFile: '', LdapBindPasswordEnv: variable });
      const { publish } = await run(fixture(`${env.domain}\\${users.alice.sam}`, der), cfg);
      await expect(publish()).resolves.toBe(0);
    } finally {
      delete process.env[variable];
    }
    const values = await readUserCertificates(admin, users.alice.dn);
    expect(values).toHaveLength(2);
    expect(values.some((v) => Buffer.compare(v, Buffer.from(der)) === 0)).toBe(true);
  });

  it('treats "attribute or value exists" (LDAP 20) from the server as success', async () => {
    const der = opensslSelfSignedDer(scratch.path, `${RUN}-race`);
    const connection = await connectDirectory({
      servers: [env.url],
      bindDN: env.bindDN,
      bindPassword: env.bindPassword,
      caFile: env.ca,
    });
    try {
      const stale = await connection.findAccount(env.baseDN, users.bob.sam, 'user');
      expect(stale?.dn.toLowerCase()).toBe(users.bob.dn.toLowerCase());
      // Another CA (or a second Notify) publishes the same certificate between our read and our modify.
      await admin.modify(
        users.bob.dn,
        new Change({
          operation: 'add',
          modification: new Attribute({ type: 'userCertificate', values: [Buffer.from(der)] }),
        }),
      );
      await expect(connection.addUserCertificate(stale!, der)).resolves.toBe('already-present');
    } finally {
      await connection.close();
    }
    const values = await readUserCertificates(admin, users.bob.dn);
    expect(values.filter((v) => Buffer.compare(v, Buffer.from(der)) === 0)).toHaveLength(1);
  });

  it('publishes a machine template certificate to the computer object (NAME$)', async () => {
    const der = opensslSelfSignedDer(scratch.path, `${RUN}-ws`);
    const host = computer.sam.slice(0, -1);
    const { publish } = await run(fixture(`${env.domain}\\${host}`, der, { machine: true }), config());
    await expect(publish()).resolves.toBe(0);
    const values = await readUserCertificates(admin, computer.dn);
    expect(values).toHaveLength(1);
    expect(Buffer.compare(values[0]!, Buffer.from(der))).toBe(0);
  });

  it('uses the request UserDN when the CA recorded one', async () => {
    const der = opensslSelfSignedDer(scratch.path, `${RUN}-bob`);
    // The requester name is deliberately wrong: the UserDN must win.
    const f = fixture(`${env.domain}\\${RUN}nobody`, der, { userDN: users.bob.dn });
    const before = await readUserCertificates(admin, users.bob.dn);
    const { publish } = await run(f, config({ DomainDN: env.baseDN }));
    await expect(publish()).resolves.toBe(0);
    const values = await readUserCertificates(admin, users.bob.dn);
    expect(values).toHaveLength(before.length + 1);
    expect(values.filter((v) => Buffer.compare(v, Buffer.from(der)) === 0)).toHaveLength(1);
  });

  it('falls back to the sAMAccountName search when UserDN names no such object', async () => {
    const der = opensslSelfSignedDer(scratch.path, `${RUN}-fallback`);
    // A deleted account, a malformed DN, and an object that is no account (the Users container).
    for (const userDN of [`CN=${RUN}gone,CN=Users,${env.baseDN}`, 'not a DN', `CN=Users,${env.baseDN}`]) {
      const { publish } = await run(fixture(`${env.domain}\\${users.paren.sam}`, der, { userDN }), config());
      await expect(publish()).resolves.toBe(0);
    }
    const values = await readUserCertificates(admin, users.paren.dn);
    expect(values.filter((v) => Buffer.compare(v, Buffer.from(der)) === 0)).toHaveLength(1);
  });

  it('escapes filter metacharacters: a name with parentheses finds exactly its own object', async () => {
    const der = opensslSelfSignedDer(scratch.path, `${RUN}-paren`);
    const before = await readUserCertificates(admin, users.paren.dn);
    const { publish } = await run(fixture(`${env.domain}\\${users.paren.sam}`, der), config());
    await expect(publish()).resolves.toBe(0);
    const values = await readUserCertificates(admin, users.paren.dn);
    expect(values).toHaveLength(before.length + 1);
    expect(values.filter((v) => Buffer.compare(v, Buffer.from(der)) === 0)).toHaveLength(1);
  });

  it.each([
    ['a*b(c)', () => `${RUN}a*b(c)`],
    ['a trailing wildcard that would match every test user', () => `${RUN}*`],
    ['a filter injection', () => `${RUN}bob)(sAMAccountName=*`],
  ])('does not match other users with %s in the requester name, and fails with not-found', async (_, name) => {
    const der = opensslSelfSignedDer(scratch.path, `${RUN}-evil-${randomBytes(2).toString('hex')}`);
    const before = await Promise.all(Object.values(users).map((u) => readUserCertificates(admin, u.dn)));
    const { publish } = await run(fixture(`${env.domain}\\${name()}`, der), config());

    const error = await publish().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(DirectoryError.isInstance(error)).toBe(true);
    const failure = error as DirectoryError;
    expect(failure.code).toBe(DIRECTORY_ERROR_CODES.ACCOUNT_NOT_FOUND);
    expect(failure.hresult).toBe(DIRECTORY_HRESULTS.OBJ_NOT_FOUND);
    expect(failure.message).toContain(`${env.domain}\\${name()}`);
    expect(failure.message).toContain(env.baseDN);
    expect(failure.message).toContain(env.url);
    expect(failure.message).toMatch(/\\2a/); // the escaped filter is shown

    const after = await Promise.all(Object.values(users).map((u) => readUserCertificates(admin, u.dn)));
    expect(after.map((v) => v.length)).toEqual(before.map((v) => v.length));
  });

  it('publishes a burst on one shared connection, its lookups batched, each certificate to its own account', async () => {
    const burst: TestAccount[] = [];
    for (let i = 0; i < 6; i++) {
      const sam = `${RUN}burst${i}`;
      const dn = `CN=${sam},CN=Users,${env.baseDN}`;
      await admin.add(dn, {
        objectClass: ['top', 'person', 'organizationalPerson', 'user'],
        sAMAccountName: sam,
        userAccountControl: '514',
      });
      created.push(dn);
      burst.push({ sam, dn });
    }
    // AD matches names without regard to case and answers with the stored spelling; a wildcard and an unknown
    // name in the same batch find nobody.
    const names = [...burst.map((u, i) => (i % 2 === 0 ? u.sam.toUpperCase() : u.sam)), `${RUN}*`, `${RUN}nobody`];
    const ders = names.map((_, i) => opensslSelfSignedDer(scratch.path, `${RUN}-burst-${i}`));
    const before = await Promise.all(Object.values(users).map((u) => readUserCertificates(admin, u.dn)));

    const outcome = await publishBurst(
      names.map((n) => `${env.domain}\\${n}`),
      ders,
      config(),
    );

    expect(outcome.results.slice(0, 6)).toEqual(burst.map(() => ({ status: 'fulfilled', value: 0 })));
    for (const result of outcome.results.slice(6)) {
      expect(result.status).toBe('rejected');
      expect(((result as PromiseRejectedResult).reason as DirectoryError).code).toBe(
        DIRECTORY_ERROR_CODES.ACCOUNT_NOT_FOUND,
      );
    }
    for (const [i, account] of burst.entries()) {
      const values = await readUserCertificates(admin, account.dn);
      expect(values.map((v) => v.toString('hex'))).toEqual([Buffer.from(ders[i]!).toString('hex')]);
    }
    const after = await Promise.all(Object.values(users).map((u) => readUserCertificates(admin, u.dn)));
    expect(after.map((v) => v.length)).toEqual(before.map((v) => v.length));
    expect(outcome.connections).toBe(1);
    expect(outcome.searches).toBeLessThan(names.length);
  });

  it('fails over: a closed port first, then the real DC', async () => {
    const der = opensslSelfSignedDer(scratch.path, `${RUN}-failover`);
    const cfg = config({ LdapServers: ['ldaps://127.0.0.1:1', env.url] });
    const { services, publish } = await run(fixture(`${env.domain}\\${users.bob.sam}`, der), cfg);
    await expect(publish()).resolves.toBe(0);
    const values = await readUserCertificates(admin, users.bob.dn);
    expect(values.some((v) => Buffer.compare(v, Buffer.from(der)) === 0)).toBe(true);
    const warning = services.logger.entries.find((e) => e.level === 'warn' && /trying the next/.test(e.msg ?? ''));
    expect(warning?.fields).toMatchObject({
      server: 'ldaps://127.0.0.1:1',
      code: DIRECTORY_ERROR_CODES.SERVER_UNREACHABLE,
    });
  });

  it('fails with an "all servers down" error naming every server', async () => {
    const der = opensslSelfSignedDer(scratch.path, `${RUN}-down`);
    const cfg = config({ LdapServers: ['ldaps://127.0.0.1:1', 'ldaps://127.0.0.1:2'] });
    const { publish } = await run(fixture(`${env.domain}\\${users.bob.sam}`, der), cfg);
    const error = (await publish().catch((e: unknown) => e)) as DirectoryError;
    expect(DirectoryError.isInstance(error)).toBe(true);
    expect(error.code).toBe(DIRECTORY_ERROR_CODES.SERVER_UNREACHABLE);
    expect(error.hresult).toBe(DIRECTORY_HRESULTS.SERVER_DOWN);
    expect(error.message).toContain('ldaps://127.0.0.1:1');
    expect(error.message).toContain('ldaps://127.0.0.1:2');
    expect(error.message).toContain(`${env.domain}\\${users.bob.sam}`);
  });

  it('refuses a server whose certificate does not verify against LdapCAFile', async () => {
    const der = opensslSelfSignedDer(scratch.path, `${RUN}-wrongca`);
    const cfg = config({ LdapCAFile: makeTestCa(scratch.path, 'certexit-wrong-ca').pem });
    const { services, publish } = await run(fixture(`${env.domain}\\${users.bob.sam}`, der), cfg);
    const before = (await readUserCertificates(admin, users.bob.dn)).length;
    const error = (await publish().catch((e: unknown) => e)) as DirectoryError;
    expect(DirectoryError.isInstance(error)).toBe(true);
    expect(error.code).toBe(DIRECTORY_ERROR_CODES.TLS_VERIFICATION_FAILED);
    expect(error.hresult).toBe(DIRECTORY_HRESULTS.UNTRUSTED_ROOT);
    expect(error.message).toMatch(/TLS certificate verification failed/);
    expect(error.message).toContain(env.url);
    expect((await readUserCertificates(admin, users.bob.dn)).length).toBe(before);
    expectNoSecretsLogged(services, der);
  });

  it('upgrades ldap:// with StartTLS (verified) and publishes', async () => {
    const der = opensslSelfSignedDer(scratch.path, `${RUN}-starttls`);
    const host = new URL(env.url).hostname;
    const cfg = config({ LdapServers: [`ldap://${host}:389`], LdapStartTLS: 1 });
    const { publish } = await run(fixture(`${env.domain}\\${users.paren.sam}`, der), cfg);
    await expect(publish()).resolves.toBe(0);
    const values = await readUserCertificates(admin, users.paren.dn);
    expect(values.some((v) => Buffer.compare(v, Buffer.from(der)) === 0)).toBe(true);
  });

  it('never sends the bind password over plain ldap://', async () => {
    const der = opensslSelfSignedDer(scratch.path, `${RUN}-plain`);
    const { publish } = await run(
      fixture(`${env.domain}\\${users.bob.sam}`, der),
      config({ LdapServers: [env.ldapUrl] }),
    );
    const error = (await publish().catch((e: unknown) => e)) as DirectoryError;
    expect(DirectoryError.isInstance(error)).toBe(true);
    expect(error.code).toBe(DIRECTORY_ERROR_CODES.CONFIGURATION);
    expect(error.message).toMatch(/unencrypted/);
  });

  it('reports a refused bind with the bind DN and server, never the password', async () => {
    const der = opensslSelfSignedDer(scratch.path, `${RUN}-badpw`);
    const wrong = secretFile(scratch.path, 'wrong-password', `not-${env.bindPassword}`);
    const { services, publish } = await run(
      fixture(`${env.domain}\\${users.bob.sam}`, der),
      config({ LdapBindPasswordFile: wrong }),
    );
    const error = (await publish().catch((e: unknown) => e)) as DirectoryError;
    expect(DirectoryError.isInstance(error)).toBe(true);
    expect(error.code).toBe(DIRECTORY_ERROR_CODES.BIND_FAILED);
    expect(error.hresult).toBe(DIRECTORY_HRESULTS.LOGON_FAILURE);
    expect(error.message).toContain(env.bindDN);
    expect(error.message).toContain(env.url);
    expect(error.message).not.toContain(env.bindPassword);
    expectNoSecretsLogged(services, der);
  });
});
