import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RegistryTree } from '@certexit/core';
import {
  ENUM_ENTERPRISE_ROOTCA,
  ENUM_ENTERPRISE_SUBCA,
  ENUM_STANDALONE_ROOTCA,
  ENUM_STANDALONE_SUBCA,
  EXITPUB_ACTIVEDIRECTORY,
  EXITPUB_FILE,
  registryKeyFromTree,
} from '@certexit/core';
import { DIRECTORY_ERROR_CODES, DirectoryError, resolveBindPassword } from '@certexit/ldap';
import { afterAll, describe, expect, it } from 'vitest';
import { describeDefaultExitSettings, readDefaultExitSettings } from './default-exit-settings';

const key = (tree: RegistryTree) => registryKeyFromTree(() => tree, 'SYSTEM\\Test\\ExitModules\\X');
const read = (tree: RegistryTree, ca: { caType?: number; domainDN?: string } = {}) =>
  readDefaultExitSettings(key(tree), { caType: ca.caType, domainDN: ca.domainDN });

describe('readDefaultExitSettings', () => {
  it.each([
    [ENUM_ENTERPRISE_ROOTCA, EXITPUB_ACTIVEDIRECTORY],
    [ENUM_ENTERPRISE_SUBCA, EXITPUB_ACTIVEDIRECTORY],
    [ENUM_STANDALONE_ROOTCA, EXITPUB_FILE],
    [ENUM_STANDALONE_SUBCA, EXITPUB_FILE],
    [undefined, EXITPUB_FILE],
  ])('defaults PublishCertFlags by CA type %s to %s', (caType, flags) => {
    const { settings } = read({}, { caType });
    expect(settings.publishCertFlags).toBe(flags);
    expect(settings.publishCertFlagsSource).toBe('default');
  });

  it('takes PublishCertFlags from the configuration, 0 included', () => {
    expect(read({ PublishCertFlags: 0 }, { caType: ENUM_ENTERPRISE_ROOTCA }).settings.publishCertFlags).toBe(0);
    expect(read({ publishcertflags: '0x3' }).settings.publishCertFlags).toBe(3);
  });

  it('reads every directory value, names case-insensitively', () => {
    const { settings, issues } = read(
      {
        PublishCertFlags: 2,
        LdapServers: ['ldaps://dc1.example:636', 'ldaps://dc2.example'],
        LDAPBINDDN: 'CN=svc,DC=example',
        LdapBindPasswordFile: '/etc/certexit/ldap-password',
        LdapCAFile: '/etc/certexit/ca.pem',
        LdapStartTLS: 0,
        LdapTimeoutMs: 2500,
        LdapConnectionSharing: 1,
        DomainDN: 'DC=example',
        UserCertificateAttribute: 'userCertificate;binary',
      },
      { domainDN: 'DC=ignored' },
    );
    expect(issues).toEqual([]);
    expect(settings.directory).toEqual({
      servers: ['ldaps://dc1.example:636', 'ldaps://dc2.example'],
      bindDN: 'CN=svc,DC=example',
      bindPasswordFile: '/etc/certexit/ldap-password',
      bindPasswordEnv: undefined,
      caFile: '/etc/certexit/ca.pem',
      startTLS: false,
      domainDN: 'DC=example',
      timeoutMs: 2500,
      connectionSharing: 1,
      userCertificateAttribute: 'userCertificate;binary',
      accountSchema: { nameAttribute: 'sAMAccountName', userObjectClass: 'user', computerObjectClass: 'computer' },
    });
  });

  it('reads the account schema for non-AD directories and refuses a non-attribute AccountFilterAttribute', () => {
    const good = readDefaultExitSettings(
      key({ AccountFilterAttribute: 'uid', UserObjectClass: 'inetOrgPerson', ComputerObjectClass: 'device' }),
      { caType: 0, domainDN: undefined },
    );
    expect(good.settings.directory.accountSchema).toEqual({
      nameAttribute: 'uid',
      userObjectClass: 'inetOrgPerson',
      computerObjectClass: 'device',
    });
    const bad = readDefaultExitSettings(key({ AccountFilterAttribute: 'uid)(objectClass=*' }), {
      caType: 0,
      domainDN: undefined,
    });
    expect(bad.settings.directory.accountSchema.nameAttribute).toBe('sAMAccountName');
    expect(bad.issues.map((i) => i.message)).toContainEqual(expect.stringMatching(/AccountFilterAttribute/));
  });

  it('reads RemoveOldCertsRules (default 0x7) and the file directories (default: the CertEnroll folder)', () => {
    const defaults = readDefaultExitSettings(key({}), {
      caType: 0,
      domainDN: undefined,
      certEnroll: '/srv/CertEnroll',
    });
    expect(defaults.settings.removeOldCertsRules).toBe(7);
    expect(defaults.settings.files).toEqual({ directories: ['/srv/CertEnroll'], certEnroll: '/srv/CertEnroll' });
    const configured = readDefaultExitSettings(
      key({ RemoveOldCertsRules: 1, CertFileDirectories: ['/a', 'relative', '/b/../c'], CertEnrollDirectory: '/e' }),
      { caType: 0, domainDN: undefined, certEnroll: '/srv/CertEnroll' },
    );
    expect(configured.settings.removeOldCertsRules).toBe(1);
    expect(configured.settings.files).toEqual({ directories: ['/a', '/c'], certEnroll: '/e' });
    expect(configured.issues.map((i) => i.message)).toContainEqual(expect.stringMatching(/"relative"/));
    const none = readDefaultExitSettings(key({ PublishCertFlags: 1 }), { caType: 3, domainDN: undefined });
    expect(none.settings.files.directories).toEqual([]);
    expect(none.issues.map((i) => i.message)).toContainEqual(expect.stringMatching(/EXITPUB_FILE/));
  });

  it('falls back to the CA DomainDN, 10 s and userCertificate', () => {
    const { settings } = read({ LdapServers: 'ldaps://dc1.example' }, { domainDN: 'DC=corp,DC=example' });
    expect(settings.directory.servers).toEqual(['ldaps://dc1.example']);
    expect(settings.directory.domainDN).toBe('DC=corp,DC=example');
    expect(settings.directory.timeoutMs).toBe(10_000);
    expect(settings.directory.userCertificateAttribute).toBe('userCertificate');
  });

  it('warns about, and ignores, unusable values', () => {
    const { settings, issues } = read({
      PublishCertFlags: 2,
      LdapServers: ['ldaps://ok.example', 'http://web.example', 'ldap://x/dc=path', 'not a url'],
      LdapTimeoutMs: 'soon',
      LdapBindDN: ['wrong type'],
      DomainDN: 'DC=example',
    });
    expect(settings.directory.servers).toEqual(['ldaps://ok.example']);
    expect(settings.directory.timeoutMs).toBe(10_000);
    expect(settings.directory.bindDN).toBeUndefined();
    const text = issues.map((i) => i.message).join('\n');
    expect(text).toContain('http://web.example');
    expect(text).toContain('ldap://x/dc=path');
    expect(text).toContain('LdapTimeoutMs');
    expect(text).toContain('LdapBindDN');
  });

  it('warns when AD publishing is on but no server is configured', () => {
    const { issues } = read({ PublishCertFlags: EXITPUB_ACTIVEDIRECTORY });
    expect(issues).toEqual([
      { level: 'warn', message: expect.stringMatching(/EXITPUB_ACTIVEDIRECTORY.*no LdapServers/) },
    ]);
  });

  it('warns that a bind password would go over plain ldap://', () => {
    const { issues } = read({
      PublishCertFlags: 2,
      LdapServers: ['ldap://dc1.example'],
      LdapBindDN: 'CN=svc',
      LdapBindPasswordEnv: 'PW',
      DomainDN: 'DC=x',
    });
    expect(issues.map((i) => i.message)).toEqual([
      expect.stringMatching(/never sent unencrypted: ldap:\/\/dc1.example/),
    ]);
  });

  it('describes the settings without the password', () => {
    const { settings } = read({
      PublishCertFlags: 2,
      LdapServers: 'ldaps://dc',
      LdapBindDN: 'CN=svc',
      LdapBindPasswordEnv: 'PW',
    });
    expect(describeDefaultExitSettings(settings)).toMatchObject({
      publishCertFlags: '0x2',
      activeDirectory: true,
      ldapBindDN: 'CN=svc',
      ldapBindPassword: 'environment variable PW',
    });
  });
});

describe('resolveBindPassword', () => {
  const dir = mkdtempSync(join(tmpdir(), 'certexit-settings-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const settings = (tree: RegistryTree) => read({ LdapServers: 'ldaps://dc', ...tree }).settings.directory;

  it('reads the file, without its trailing newline', async () => {
    const file = join(dir, 'pw');
    writeFileSync(file, 's3cret with spaces \n');
    await expect(resolveBindPassword(settings({ LdapBindDN: 'CN=svc', LdapBindPasswordFile: file }))).resolves.toBe(
      's3cret with spaces ',
    );
  });

  it('reads the named environment variable', async () => {
    const s = settings({ LdapBindDN: 'CN=svc', LdapBindPasswordEnv: 'MY_PW' });
    await expect(resolveBindPassword(s, { MY_PW: 'from-env' })).resolves.toBe('from-env');
  });

  it('binds anonymously without a bind DN', async () => {
    await expect(resolveBindPassword(settings({}))).resolves.toBeUndefined();
  });

  it.each([
    [
      'a missing file',
      { LdapBindDN: 'CN=svc', LdapBindPasswordFile: '/nonexistent/certexit-pw' },
      /cannot read LdapBindPasswordFile/,
    ],
    ['an unset variable', { LdapBindDN: 'CN=svc', LdapBindPasswordEnv: 'CERTEXIT_UNSET_VARIABLE' }, /not set/],
    ['no source', { LdapBindDN: 'CN=svc' }, /neither LdapBindPasswordFile nor LdapBindPasswordEnv/],
  ])('fails clearly for %s', async (_, tree, message) => {
    const error = await resolveBindPassword(settings(tree), {}).catch((e: unknown) => e);
    expect(DirectoryError.isInstance(error)).toBe(true);
    expect((error as DirectoryError).code).toBe(DIRECTORY_ERROR_CODES.CONFIGURATION);
    expect((error as Error).message).toMatch(message);
  });

  it('refuses an empty password (an unauthenticated bind)', async () => {
    const file = join(dir, 'empty');
    writeFileSync(file, '\n');
    const error = await resolveBindPassword(settings({ LdapBindDN: 'CN=svc', LdapBindPasswordFile: file })).catch(
      (e: unknown) => e,
    );
    expect((error as Error).message).toMatch(/is empty/);
  });
});
