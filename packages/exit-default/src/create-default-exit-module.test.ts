import type { ICertExit2, ICertManageModule, RegistryTree } from '@certexit/core';
import {
  CERTSRV_E_PROPERTY_EMPTY,
  CertexitError,
  CMM_READONLY,
  CMM_REFRESHONLY,
  CT_FLAG_PUBLISH_TO_DS,
  classifyExitFailure,
  EXITEVENT_CERTDENIED,
  EXITEVENT_CERTIMPORTED,
  EXITEVENT_CERTISSUED,
  EXITEVENT_CERTPENDING,
  EXITEVENT_CERTREVOKED,
  EXITEVENT_CRLISSUED,
  EXITEVENT_SHUTDOWN,
  EXITPUB_ACTIVEDIRECTORY,
  PROGID_DEFAULT_EXIT,
  S_FALSE,
  S_OK,
} from '@certexit/core';
import type { LdapClientFactory, LdapClientLike } from '@certexit/ldap';
import { DIRECTORY_ERROR_CODES, DirectoryError } from '@certexit/ldap';
import type { ServerExitFixture } from '@certexit/testing';
import { checkExitModule, createTestServices, defaultFixture } from '@certexit/testing';
import { describe, expect, it, vi } from 'vitest';
import {
  createDefaultExitModule,
  DEFAULT_EXIT_DESCRIPTION,
  DEFAULT_EXIT_EVENT_MASK,
} from './create-default-exit-module';
import { DEFAULT_EXIT_MODULE_NAME } from './default-exit-manage-module';

const CA = 'certexit Test CA';
const STORAGE = `SYSTEM\\CurrentControlSet\\Services\\CertSvc\\Configuration\\${CA}\\ExitModules\\${PROGID_DEFAULT_EXIT}`;

const start = async (config: RegistryTree, fixture?: ServerExitFixture, ldapClientFactory?: LdapClientFactory) => {
  const services = createTestServices({ config, fixture, progId: PROGID_DEFAULT_EXIT });
  const module = (await createDefaultExitModule({ ldapClientFactory }).create(services)) as ICertExit2;
  const mask = await module.Initialize(CA);
  return { services, module, mask };
};

describe('createDefaultExitModule', () => {
  it('is a v1 factory for CertificateAuthority_MicrosoftDefault.Exit with the package version', () => {
    const factory = createDefaultExitModule();
    expect(factory.specificationVersion).toBe('v1');
    expect(factory.progId).toBe('CertificateAuthority_MicrosoftDefault.Exit');
    expect(factory.version).toBe(__PACKAGE_VERSION__);
    expect(factory.version).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('conforms with publishing off (PublishCertFlags 0)', async () => {
    (await checkExitModule({ module: createDefaultExitModule(), config: { PublishCertFlags: 0 } })).assertOk();
  });

  it('conforms with AD publishing on but no LdapServers (nothing to connect to)', async () => {
    const report = await checkExitModule({
      module: createDefaultExitModule(),
      config: { PublishCertFlags: EXITPUB_ACTIVEDIRECTORY },
    });
    report.assertOk();
    expect(report.results.every((r) => r.status === 'passed')).toBe(true);
  });

  it('conforms with the defaults of an enterprise CA (no configuration at all)', async () => {
    (await checkExitModule({ module: createDefaultExitModule() })).assertOk();
  });

  it('subscribes to 0x27F and describes itself as "certexit default"', async () => {
    const { module, mask } = await start({ PublishCertFlags: 0 });
    expect(mask).toBe(0x27f);
    expect(mask).toBe(DEFAULT_EXIT_EVENT_MASK);
    expect(await module.GetDescription()).toBe(DEFAULT_EXIT_DESCRIPTION);
    expect(DEFAULT_EXIT_DESCRIPTION).toBe('certexit default');
  });

  it('warns once, at Initialize, when AD publishing is on without LdapServers, then skips quietly', async () => {
    const { services, module } = await start({ PublishCertFlags: EXITPUB_ACTIVEDIRECTORY });
    for (let i = 0; i < 3; i++) expect(await module.Notify(EXITEVENT_CERTISSUED, 1)).toBe(S_OK);
    const warnings = services.logger.entries.filter((e) => e.level === 'warn');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.msg).toMatch(/no LdapServers/);
    // It never even looked at the request.
    expect(services.callLog.calls.filter((c) => c.method === 'SetContext')).toEqual([]);
  });

  it('reads CAType at Initialize: the enterprise default turns AD publishing on', async () => {
    const { services } = await start({});
    const loaded = services.logger.entries.find((e) => e.msg === 'configuration loaded (Initialize)');
    expect(loaded?.fields).toMatchObject({ publishCertFlags: '0x2', publishCertFlagsSource: 'default', caType: 0 });
    expect(services.callLog.calls.map((c) => c.args[0])).toEqual(expect.arrayContaining(['CAType', 'DomainDN']));
  });

  it.each([
    EXITEVENT_CERTPENDING,
    EXITEVENT_CERTDENIED,
    EXITEVENT_CERTREVOKED,
    EXITEVENT_CERTIMPORTED,
    EXITEVENT_CRLISSUED,
    EXITEVENT_SHUTDOWN,
    0x100,
    0x400,
    0x40000000,
  ])('answers S_OK to event %i and only logs it at debug level', async (event) => {
    const { services, module } = await start({
      PublishCertFlags: EXITPUB_ACTIVEDIRECTORY,
      LdapServers: ['ldaps://dc'],
    });
    const before = services.logger.entries.length;
    expect(await module.Notify(event, 0)).toBe(S_OK);
    const logged = services.logger.entries.slice(before);
    expect(logged.map((e) => e.level)).toEqual(['debug']);
  });
});

describe('directory publishing flags (fake LDAP client)', () => {
  const directoryConfig: RegistryTree = {
    PublishCertFlags: EXITPUB_ACTIVEDIRECTORY,
    LdapServers: ['ldaps://dc1.certexit.test'],
    DomainDN: 'DC=certexit,DC=test',
  };
  const withEnrollmentFlags = (flags: number): ServerExitFixture => {
    const fixture = defaultFixture();
    const issued = fixture.contexts[1]!;
    return {
      ...fixture,
      contexts: {
        ...fixture.contexts,
        1: { ...issued, certificate: { ...issued.certificate, EnrollmentFlags: flags } },
      },
    };
  };
  const fakeFactory = () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    const client: LdapClientLike = {
      bind: vi.fn(async () => Promise.reject(refused)),
      startTLS: vi.fn(async () => undefined),
      search: vi.fn(async () => ({ searchEntries: [], searchReferences: [] })),
      modify: vi.fn(async () => undefined),
      unbind: vi.fn(async () => undefined),
    };
    return { factory: vi.fn<LdapClientFactory>(() => client), client };
  };

  it('makes no directory call when the template lacks CT_FLAG_PUBLISH_TO_DS', async () => {
    const { factory } = fakeFactory();
    const { services, module } = await start(directoryConfig, withEnrollmentFlags(0), factory);
    expect(await module.Notify(EXITEVENT_CERTISSUED, 1)).toBe(S_OK);
    expect(factory).not.toHaveBeenCalled();
    expect(services.logger.entries.some((e) => /no CT_FLAG_PUBLISH_TO_DS/.test(e.msg ?? ''))).toBe(true);
    // And it did not read the certificate it was not going to publish.
    expect(services.callLog.calls.map((c) => c.args[0])).not.toContain('RawCertificate');
  });

  it('makes no directory call when PublishCertFlags lacks EXITPUB_ACTIVEDIRECTORY', async () => {
    const { factory } = fakeFactory();
    const { module } = await start(
      { ...directoryConfig, PublishCertFlags: 0 },
      withEnrollmentFlags(CT_FLAG_PUBLISH_TO_DS),
      factory,
    );
    expect(await module.Notify(EXITEVENT_CERTISSUED, 1)).toBe(S_OK);
    expect(factory).not.toHaveBeenCalled();
  });

  it('treats an empty EnrollmentFlags (CERTSRV_E_PROPERTY_EMPTY) as "does not publish"', async () => {
    const { factory } = fakeFactory();
    const { module } = await start(directoryConfig, undefined, factory);
    // Context 6 of the kit's fixture has every optional property empty.
    expect(await module.Notify(EXITEVENT_CERTISSUED, 6)).toBe(S_OK);
    expect(factory).not.toHaveBeenCalled();
    expect(CERTSRV_E_PROPERTY_EMPTY).toBe(0x80094004);
  });

  it('does call the directory when both flags are set (the control case) and reports the failure', async () => {
    const { factory, client } = fakeFactory();
    const { module } = await start(directoryConfig, withEnrollmentFlags(CT_FLAG_PUBLISH_TO_DS), factory);
    const error = await Promise.resolve(module.Notify(EXITEVENT_CERTISSUED, 1)).catch((e: unknown) => e);
    expect(factory).toHaveBeenCalledTimes(1);
    expect(factory.mock.calls[0]![0]).toMatchObject({ url: 'ldaps://dc1.certexit.test', timeout: 10_000 });
    expect(factory.mock.calls[0]![0].tlsOptions).toMatchObject({ servername: 'dc1.certexit.test' });
    expect(factory.mock.calls[0]![0].tlsOptions).not.toHaveProperty('rejectUnauthorized');
    expect(client.bind).toHaveBeenCalledTimes(1);
    expect(DirectoryError.isInstance(error)).toBe(true);
    expect((error as DirectoryError).code).toBe(DIRECTORY_ERROR_CODES.SERVER_UNREACHABLE);
    expect((error as Error).message).toContain('CERTEXIT\\alice');
    expect((error as Error).message).toContain('ldaps://dc1.certexit.test');
  });
});

// Issue 12: "permanent errors are retried ten times like transient ones": an account that does not exist, or a
// configuration that cannot be used, fails the same way on every retry.
describe('failure kinds of directory publishing', () => {
  const config: RegistryTree = {
    PublishCertFlags: EXITPUB_ACTIVEDIRECTORY,
    LdapServers: ['ldaps://dc1.certexit.test'],
    DomainDN: 'DC=certexit,DC=test',
  };
  const publishing = (): ServerExitFixture => {
    const fixture = defaultFixture();
    const issued = fixture.contexts[1]!;
    return {
      ...fixture,
      contexts: {
        ...fixture.contexts,
        1: { ...issued, certificate: { ...issued.certificate, EnrollmentFlags: CT_FLAG_PUBLISH_TO_DS } },
      },
    };
  };
  const client =
    (overrides: Partial<LdapClientLike>): LdapClientFactory =>
    () => ({
      bind: async () => undefined,
      startTLS: async () => undefined,
      search: async () => ({ searchEntries: [], searchReferences: [] }),
      modify: async () => undefined,
      unbind: async () => undefined,
      ...overrides,
    });
  const kindOf = (error: unknown) => classifyExitFailure(error, CertexitError.hresultOf(error)).kind;

  it('an account that does not exist is permanent', async () => {
    const { module } = await start(config, publishing(), client({}));
    const error = await Promise.resolve(module.Notify(EXITEVENT_CERTISSUED, 1)).catch((e: unknown) => e);
    expect((error as DirectoryError).code).toBe(DIRECTORY_ERROR_CODES.ACCOUNT_NOT_FOUND);
    expect(kindOf(error)).toBe('permanent');
  });

  it('a refused bind (wrong password) is permanent; a busy directory is transient', async () => {
    const invalid = Object.assign(new Error('Invalid Credentials'), { code: 49 });
    const bad = await start(config, publishing(), client({ bind: async () => Promise.reject(invalid) }));
    const refused = await Promise.resolve(bad.module.Notify(EXITEVENT_CERTISSUED, 1)).catch((e: unknown) => e);
    expect((refused as DirectoryError).code).toBe(DIRECTORY_ERROR_CODES.BIND_FAILED);
    expect(kindOf(refused)).toBe('permanent');
    const busy = Object.assign(new Error('busy'), { code: 51 });
    const later = await start(config, publishing(), client({ search: async () => Promise.reject(busy) }));
    const error = await Promise.resolve(later.module.Notify(EXITEVENT_CERTISSUED, 1)).catch((e: unknown) => e);
    expect(kindOf(error)).toBe('transient');
  });

  it('a configuration that cannot be used (an unreadable LdapCAFile) is permanent', async () => {
    const { module } = await start({ ...config, LdapCAFile: '/nonexistent/ldap-ca.pem' }, publishing(), client({}));
    const error = await Promise.resolve(module.Notify(EXITEVENT_CERTISSUED, 1)).catch((e: unknown) => e);
    expect((error as DirectoryError).code).toBe(DIRECTORY_ERROR_CODES.CONFIGURATION);
    expect(kindOf(error)).toBe('permanent');
  });
});

describe('GetManageModule', () => {
  const manageOf = async (config: RegistryTree = { PublishCertFlags: 0 }) => {
    const started = await start(config);
    return { ...started, manage: (await started.module.GetManageModule()) as ICertManageModule };
  };

  it.each([
    ['Name', DEFAULT_EXIT_MODULE_NAME],
    ['name', DEFAULT_EXIT_MODULE_NAME],
    ['NAME', DEFAULT_EXIT_MODULE_NAME],
    ['File Version', __PACKAGE_VERSION__],
    ['file version', __PACKAGE_VERSION__],
    ['Product Version', __PACKAGE_VERSION__],
  ])('answers %j case-insensitively', async (name, value) => {
    const { manage } = await manageOf();
    expect(await manage.GetProperty(`CA01\\${CA}`, STORAGE, name, 0)).toBe(value);
  });

  it('answers Description and Copyright with non-empty strings', async () => {
    const { manage } = await manageOf();
    expect(await manage.GetProperty('', STORAGE, 'Description', 0)).toMatch(/Active Directory/);
    expect(await manage.GetProperty('', STORAGE, 'Copyright', 0)).toMatch(/certexit/);
  });

  it('answers undefined (S_FALSE) for unknown names', async () => {
    const { manage } = await manageOf();
    expect(await manage.GetProperty('', STORAGE, 'HWND', 0)).toBeUndefined();
    expect(await manage.GetProperty('', STORAGE, 'no such property', 0)).toBeUndefined();
  });

  it('SetProperty returns S_FALSE and changes nothing', async () => {
    const { manage } = await manageOf();
    expect(await manage.SetProperty('', STORAGE, 'Name', 0, 'changed')).toBe(S_FALSE);
    expect(await manage.GetProperty('', STORAGE, 'Name', 0)).toBe(DEFAULT_EXIT_MODULE_NAME);
  });

  it('Configure(CMM_REFRESHONLY) re-reads the configuration', async () => {
    const { services, module, manage } = await manageOf({ PublishCertFlags: 0 });
    services.setConfig({ PublishCertFlags: EXITPUB_ACTIVEDIRECTORY });
    await manage.Configure(`CA01\\${CA}`, STORAGE, CMM_REFRESHONLY);
    const reloaded = services.logger.entries.find((e) => /Configure CMM_REFRESHONLY/.test(e.msg ?? ''));
    expect(reloaded?.fields).toMatchObject({ publishCertFlags: '0x2', activeDirectory: true });
    // The new settings are in force: the missing-servers warning comes with the reload.
    expect(services.logger.entries.filter((e) => e.level === 'warn').map((e) => e.msg)).toEqual([
      expect.stringMatching(/no LdapServers/),
    ]);
    expect(await module.Notify(EXITEVENT_CERTISSUED, 1)).toBe(S_OK);
  });

  it.each([0, CMM_READONLY])('Configure(%s) logs the current settings without the password', async (flags) => {
    const secret = 'do-not-log-this-password';
    process.env.CERTEXIT_UNIT_TEST_PW = secret;
    try {
      const { services, manage } = await manageOf({
        PublishCertFlags: EXITPUB_ACTIVEDIRECTORY,
        LdapServers: ['ldaps://dc1.certexit.test'],
        LdapBindDN: 'CN=svc,DC=certexit,DC=test',
        LdapBindPasswordEnv: 'CERTEXIT_UNIT_TEST_PW',
      });
      const before = services.logger.entries.length;
      await manage.Configure(`CA01\\${CA}`, STORAGE, flags);
      const shown = services.logger.entries.slice(before);
      expect(shown).toHaveLength(1);
      expect(shown[0]!.fields).toMatchObject({
        ldapServers: ['ldaps://dc1.certexit.test'],
        ldapBindDN: 'CN=svc,DC=certexit,DC=test',
        ldapBindPassword: 'environment variable CERTEXIT_UNIT_TEST_PW',
      });
      expect(JSON.stringify(services.logger.entries)).not.toContain(secret);
    } finally {
      delete process.env.CERTEXIT_UNIT_TEST_PW;
    }
  });
});
