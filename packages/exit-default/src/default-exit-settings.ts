import { isAbsolute, resolve } from 'node:path';
import type { RegistryKey, RegistryValue } from '@certexit/core';
import {
  ENUM_UNKNOWN_CA,
  EXITPUB_ACTIVEDIRECTORY,
  EXITPUB_DEFAULT_ENTERPRISE,
  EXITPUB_DEFAULT_STANDALONE,
  EXITPUB_FILE,
  EXITPUB_REMOVEOLDCERTS,
  isEnterpriseCaType,
  REGVAL_PUBLISH_CERT_FLAGS,
} from '@certexit/core';
import type { AccountSchema } from '@certexit/ldap';
import { AD_ACCOUNT_SCHEMA, DEFAULT_LDAP_CONNECTION_SHARING } from '@certexit/ldap';
import { REMOVE_OLD_CERTS_DEFAULT_RULES } from './select-old-certificates';

/** The value names the module reads from its configuration location (`services.config`). */
export const DEFAULT_EXIT_VALUE_NAMES = {
  PublishCertFlags: REGVAL_PUBLISH_CERT_FLAGS,
  LdapServers: 'LdapServers',
  LdapBindDN: 'LdapBindDN',
  LdapBindPasswordFile: 'LdapBindPasswordFile',
  LdapBindPasswordEnv: 'LdapBindPasswordEnv',
  LdapCAFile: 'LdapCAFile',
  LdapStartTLS: 'LdapStartTLS',
  LdapTimeoutMs: 'LdapTimeoutMs',
  LdapConnectionSharing: 'LdapConnectionSharing',
  DomainDN: 'DomainDN',
  UserCertificateAttribute: 'UserCertificateAttribute',
  AccountFilterAttribute: 'AccountFilterAttribute',
  UserObjectClass: 'UserObjectClass',
  ComputerObjectClass: 'ComputerObjectClass',
  RemoveOldCertsRules: 'RemoveOldCertsRules',
  CertFileDirectories: 'CertFileDirectories',
  CertEnrollDirectory: 'CertEnrollDirectory',
} as const;

/** @default 10000 */
export const DEFAULT_LDAP_TIMEOUT_MS = 10_000;
/** @default 'userCertificate' (AD); OpenLDAP wants 'userCertificate;binary'. */
export const DEFAULT_USER_CERTIFICATE_ATTRIBUTE = 'userCertificate';

/** Where the directory publisher connects and what it binds as. Holds no secret: the password is read when used. */
export interface DirectorySettings {
  /** `LdapServers`, in failover order. Empty: directory publishing is off. */
  readonly servers: readonly string[];
  readonly bindDN: string | undefined;
  readonly bindPasswordFile: string | undefined;
  readonly bindPasswordEnv: string | undefined;
  readonly caFile: string | undefined;
  readonly startTLS: boolean;
  /** The search base: `DomainDN` from the configuration, else the CA's `DomainDN` property. */
  readonly domainDN: string | undefined;
  readonly timeoutMs: number;
  /** `LdapConnectionSharing`: publications pipelined on one connection; 1 gives each its own. */
  readonly connectionSharing: number;
  readonly userCertificateAttribute: string;
  /** How the requester's object is found (`AccountFilterAttribute`, `UserObjectClass`, `ComputerObjectClass`). */
  readonly accountSchema: AccountSchema;
}

/** Where `EXITPUB_FILE` may write. */
export interface FileSettings {
  /** `CertFileDirectories`, else the CertEnroll folder, else none; absolute paths. */
  readonly directories: readonly string[];
  /** The CA's CertEnroll folder (the fallback `<CertEnroll>/<RequestID>.cer`), when known. */
  readonly certEnroll: string | undefined;
}

/** Everything the module acts on, read from the CA (at Initialize) and from its configuration location. */
export interface DefaultExitSettings {
  /** `PublishCertFlags` (EXITPUB_*). */
  readonly publishCertFlags: number;
  /** Whether `PublishCertFlags` came from the configuration or is the default for the CA type. */
  readonly publishCertFlagsSource: 'config' | 'default';
  /** The CA's `CAType` (ENUM_*); `ENUM_UNKNOWN_CA` when the CA did not say. */
  readonly caType: number;
  readonly directory: DirectorySettings;
  /** `RemoveOldCertsRules` (REMOVE_OLD_CERTS_*), used when `PublishCertFlags` has `EXITPUB_REMOVEOLDCERTS`. */
  readonly removeOldCertsRules: number;
  readonly files: FileSettings;
}

/** What the CA told the module at Initialize (CA-scope properties). */
export interface CaFacts {
  readonly caType: number | undefined;
  readonly domainDN: string | undefined;
  /** The CA's CertEnroll folder, when the host told the module (factory option `certEnrollDirectory`). */
  readonly certEnroll?: string | undefined;
}

/** A remark about the configuration, logged when it is loaded (Initialize, `Configure(CMM_REFRESHONLY)`). */
export interface SettingsIssue {
  readonly level: 'warn' | 'info';
  readonly message: string;
}

/**
 * Reads the module's configuration. Never throws: unusable values are reported as issues and ignored.
 *
 * @example
 * ```ts
 * const { settings, issues } = readDefaultExitSettings(services.config, { caType: 0, domainDN: 'DC=corp,DC=example' });
 * ```
 */
export function readDefaultExitSettings(
  config: RegistryKey,
  ca: CaFacts,
): { settings: DefaultExitSettings; issues: SettingsIssue[] } {
  const issues: SettingsIssue[] = [];
  const names = DEFAULT_EXIT_VALUE_NAMES;
  const caType = ca.caType ?? ENUM_UNKNOWN_CA;

  const configuredFlags = _dword(config, names.PublishCertFlags, issues);
  const publishCertFlags =
    configuredFlags ?? (isEnterpriseCaType(caType) ? EXITPUB_DEFAULT_ENTERPRISE : EXITPUB_DEFAULT_STANDALONE);

  const servers: string[] = [];
  for (const url of _multiString(config, names.LdapServers, issues)) {
    if (/^ldaps?:\/\/[^/?#\s]+\/?$/i.test(url) && _parses(url)) servers.push(url.replace(/\/$/, ''));
    else
      issues.push({
        level: 'warn',
        message: `${names.LdapServers}: ignoring ${JSON.stringify(url)}: not an ldap:// or ldaps:// server URL`,
      });
  }
  const startTLS = (_dword(config, names.LdapStartTLS, issues) ?? 0) !== 0;
  const timeoutMs = _dword(config, names.LdapTimeoutMs, issues) || DEFAULT_LDAP_TIMEOUT_MS;
  const directory: DirectorySettings = {
    servers,
    bindDN: _string(config, names.LdapBindDN, issues),
    bindPasswordFile: _string(config, names.LdapBindPasswordFile, issues),
    bindPasswordEnv: _string(config, names.LdapBindPasswordEnv, issues),
    caFile: _string(config, names.LdapCAFile, issues),
    startTLS,
    domainDN: _string(config, names.DomainDN, issues) ?? (ca.domainDN || undefined),
    timeoutMs,
    connectionSharing: _dword(config, names.LdapConnectionSharing, issues) || DEFAULT_LDAP_CONNECTION_SHARING,
    userCertificateAttribute:
      _string(config, names.UserCertificateAttribute, issues) ?? DEFAULT_USER_CERTIFICATE_ATTRIBUTE,
    accountSchema: {
      nameAttribute: _attributeName(config, names.AccountFilterAttribute, issues) ?? AD_ACCOUNT_SCHEMA.nameAttribute,
      userObjectClass: _string(config, names.UserObjectClass, issues) ?? AD_ACCOUNT_SCHEMA.userObjectClass,
      computerObjectClass: _string(config, names.ComputerObjectClass, issues) ?? AD_ACCOUNT_SCHEMA.computerObjectClass,
    },
  };
  const removeOldCertsRules = _dword(config, names.RemoveOldCertsRules, issues) ?? REMOVE_OLD_CERTS_DEFAULT_RULES;

  const certEnroll = _string(config, names.CertEnrollDirectory, issues) ?? ca.certEnroll;
  const configuredDirectories = _multiString(config, names.CertFileDirectories, issues, /[\n;]+/);
  const directories: string[] = [];
  for (const entry of configuredDirectories.length > 0 ? configuredDirectories : certEnroll ? [certEnroll] : []) {
    if (isAbsolute(entry) && !entry.includes('\0')) directories.push(resolve(entry));
    else
      issues.push({
        level: 'warn',
        message: `${names.CertFileDirectories}: ignoring ${JSON.stringify(entry)}: not an absolute directory path`,
      });
  }
  const files: FileSettings = {
    directories,
    certEnroll: certEnroll && isAbsolute(certEnroll) ? resolve(certEnroll) : undefined,
  };

  if ((publishCertFlags & EXITPUB_ACTIVEDIRECTORY) !== 0) _checkDirectory(directory, issues);
  if ((publishCertFlags & EXITPUB_FILE) !== 0 && directories.length === 0) {
    issues.push({
      level: configuredFlags === undefined ? 'info' : 'warn',
      message:
        'EXITPUB_FILE is set but neither CertFileDirectories nor the CertEnroll folder is configured: requests with a CertFile attribute will fail',
    });
  }
  if ((publishCertFlags & EXITPUB_REMOVEOLDCERTS) !== 0 && (publishCertFlags & EXITPUB_ACTIVEDIRECTORY) === 0) {
    issues.push({
      level: 'warn',
      message: 'EXITPUB_REMOVEOLDCERTS is set without EXITPUB_ACTIVEDIRECTORY; it has no effect',
    });
  }

  return {
    settings: {
      publishCertFlags,
      publishCertFlagsSource: configuredFlags === undefined ? 'default' : 'config',
      caType,
      directory,
      removeOldCertsRules,
      files,
    },
    issues,
  };
}

/** The settings as log fields: no password, no certificate, only where the password comes from. */
export function describeDefaultExitSettings(settings: DefaultExitSettings): Record<string, unknown> {
  const d = settings.directory;
  return {
    publishCertFlags: `0x${settings.publishCertFlags.toString(16)}`,
    publishCertFlagsSource: settings.publishCertFlagsSource,
    activeDirectory: (settings.publishCertFlags & EXITPUB_ACTIVEDIRECTORY) !== 0,
    caType: settings.caType,
    ldapServers: d.servers,
    ldapBindDN: d.bindDN ?? null,
    ldapBindPassword: _passwordSource(d),
    ldapCAFile: d.caFile ?? null,
    ldapStartTLS: d.startTLS,
    domainDN: d.domainDN ?? null,
    ldapTimeoutMs: d.timeoutMs,
    ldapConnectionSharing: d.connectionSharing,
    userCertificateAttribute: d.userCertificateAttribute,
    accountFilterAttribute: d.accountSchema.nameAttribute,
    userObjectClass: d.accountSchema.userObjectClass,
    computerObjectClass: d.accountSchema.computerObjectClass,
    removeOldCerts: (settings.publishCertFlags & EXITPUB_REMOVEOLDCERTS) !== 0,
    removeOldCertsRules: `0x${settings.removeOldCertsRules.toString(16)}`,
    fileDirectories: settings.files.directories,
    certEnrollDirectory: settings.files.certEnroll ?? null,
  };
}

function _checkDirectory(d: DirectorySettings, issues: SettingsIssue[]): void {
  if (d.servers.length === 0) {
    issues.push({
      level: 'warn',
      message:
        'EXITPUB_ACTIVEDIRECTORY is set in PublishCertFlags but no LdapServers are configured: issued certificates will NOT be published to Active Directory',
    });
    return;
  }
  if (d.domainDN === undefined) {
    issues.push({
      level: 'warn',
      message: 'no DomainDN is configured and the CA did not provide one: directory publishing will fail',
    });
  }
  if (d.bindDN === undefined) {
    issues.push({
      level: 'warn',
      message: 'no LdapBindDN is configured: the module binds anonymously, which AD does not allow to write',
    });
  } else if (d.bindPasswordFile === undefined && d.bindPasswordEnv === undefined) {
    issues.push({
      level: 'warn',
      message:
        'LdapBindDN is set but neither LdapBindPasswordFile nor LdapBindPasswordEnv: directory publishing will fail',
    });
  } else if (d.bindPasswordFile !== undefined && d.bindPasswordEnv !== undefined) {
    issues.push({
      level: 'warn',
      message: 'both LdapBindPasswordFile and LdapBindPasswordEnv are set; LdapBindPasswordFile is used',
    });
  }
  if (d.bindDN !== undefined && !d.startTLS) {
    const plain = d.servers.filter((s) => /^ldap:/i.test(s));
    if (plain.length > 0) {
      issues.push({
        level: 'warn',
        message: `the bind password is never sent unencrypted: ${plain.join(', ')} will be skipped unless LdapStartTLS=1`,
      });
    }
  }
}

/** An LDAP attribute description (RFC 4512 `descr`): it is pasted into log text, so nothing else is allowed. */
function _attributeName(config: RegistryKey, name: string, issues: SettingsIssue[]): string | undefined {
  const value = _string(config, name, issues);
  if (value === undefined || /^[A-Za-z][A-Za-z0-9-]*$/.test(value)) return value;
  issues.push({ level: 'warn', message: `${name}: ignoring ${JSON.stringify(value)}: not an attribute name` });
  return undefined;
}

function _passwordSource(d: Pick<DirectorySettings, 'bindPasswordFile' | 'bindPasswordEnv'>): string | null {
  if (d.bindPasswordFile !== undefined) return `file ${d.bindPasswordFile}`;
  if (d.bindPasswordEnv !== undefined) return `environment variable ${d.bindPasswordEnv}`;
  return null;
}

function _dword(config: RegistryKey, name: string, issues: SettingsIssue[]): number | undefined {
  const value = config.getValue(name);
  if (value === undefined) return undefined;
  if (typeof value === 'number' && Number.isInteger(value)) return value >>> 0;
  if (typeof value === 'string' && /^\s*(0x[0-9a-f]+|\d+)\s*$/i.test(value)) return Number(value.trim()) >>> 0;
  issues.push({ level: 'warn', message: `${name}: ignoring ${_show(value)}: not a REG_DWORD` });
  return undefined;
}

function _string(config: RegistryKey, name: string, issues: SettingsIssue[]): string | undefined {
  const value = config.getValue(name);
  if (value === undefined) return undefined;
  if (typeof value === 'string') return value.trim() === '' ? undefined : value.trim();
  issues.push({ level: 'warn', message: `${name}: ignoring ${_show(value)}: not a REG_SZ` });
  return undefined;
}

function _multiString(
  config: RegistryKey,
  name: string,
  issues: SettingsIssue[],
  separator: RegExp = /[\s,;]+/,
): string[] {
  const value = config.getValue(name);
  if (value === undefined) return [];
  if (typeof value === 'string')
    return value
      .split(separator)
      .map((s) => s.trim())
      .filter((s) => s !== '');
  if (Array.isArray(value)) return value.map((s) => String(s).trim()).filter((s) => s !== '');
  issues.push({ level: 'warn', message: `${name}: ignoring ${_show(value)}: not a REG_MULTI_SZ` });
  return [];
}

function _parses(url: string): boolean {
  try {
    new URL(url);
    return true;
  } catch {
    return false;
  }
}

function _show(value: RegistryValue): string {
  return value instanceof Uint8Array ? `REG_BINARY (${value.length} bytes)` : JSON.stringify(value);
}
