import { isAbsolute, resolve } from 'node:path';
import type { RegistryKey, RegistryValueDeclaration, RegistryValueType } from '@certexit/core';
import {
  declareRegistryValues,
  ENUM_UNKNOWN_CA,
  EXITPUB_ACTIVEDIRECTORY,
  EXITPUB_DEFAULT_ENTERPRISE,
  EXITPUB_DEFAULT_STANDALONE,
  EXITPUB_FILE,
  EXITPUB_REMOVEOLDCERTS,
  isEnterpriseCaType,
  readRegistryValue,
} from '@certexit/core';
import type { AccountSchema } from '@certexit/ldap';
import { AD_ACCOUNT_SCHEMA, DEFAULT_LDAP_CONNECTION_SHARING, LDAP_CONNECTION_VALUES } from '@certexit/ldap';
import {
  REMOVE_OLD_CERTS_DEFAULT_RULES,
  REMOVE_OLD_CERTS_EXPIRED,
  REMOVE_OLD_CERTS_REVOKED,
  REMOVE_OLD_CERTS_SUPERSEDED,
} from './select-old-certificates';

export { DEFAULT_LDAP_TIMEOUT_MS } from '@certexit/ldap';
/** @default 'userCertificate' (AD); OpenLDAP wants 'userCertificate;binary'. */
export const DEFAULT_USER_CERTIFICATE_ATTRIBUTE = 'userCertificate';

/**
 * The values the module reads from its key (`services.config`, `certexit getreg exit`): name, type, default and
 * meaning. {@link readDefaultExitSettings} takes names and defaults from here, and `certexit setreg` checks against it.
 */
export const DEFAULT_EXIT_VALUES = declareRegistryValues({
  PublishCertFlags: {
    type: 'REG_DWORD',
    default: ({ caType }) =>
      caType !== undefined && isEnterpriseCaType(caType) ? EXITPUB_DEFAULT_ENTERPRISE : EXITPUB_DEFAULT_STANDALONE,
    flags: { EXITPUB_FILE, EXITPUB_ACTIVEDIRECTORY, EXITPUB_REMOVEOLDCERTS },
    meaning:
      'Where issued certificates go: EXITPUB_FILE (CertFile attribute), EXITPUB_ACTIVEDIRECTORY (userCertificate), EXITPUB_REMOVEOLDCERTS.',
  },
  LdapServers: {
    type: 'REG_MULTI_SZ',
    meaning: 'ldaps:// or ldap:// server URLs tried in order; without them directory publishing is off.',
  },
  ...LDAP_CONNECTION_VALUES,
  // Same value as the CA's Directory key; the wording says when this module reads it.
  LdapBindPasswordFile: { type: 'REG_SZ', meaning: 'A file holding the bind password, read at each publication.' },
  LdapConnectionSharing: {
    type: 'REG_DWORD',
    default: DEFAULT_LDAP_CONNECTION_SHARING,
    min: 1,
    meaning: 'Publications pipelined on one pooled connection; 1 gives each its own.',
  },
  DomainDN: { type: 'REG_SZ', meaning: "The search base; the CA's DomainDN property when not set." },
  UserCertificateAttribute: {
    type: 'REG_SZ',
    default: DEFAULT_USER_CERTIFICATE_ATTRIBUTE,
    meaning: 'The attribute written (OpenLDAP: userCertificate;binary).',
  },
  AccountFilterAttribute: {
    type: 'REG_SZ',
    default: AD_ACCOUNT_SCHEMA.nameAttribute,
    meaning: 'The attribute matched against the account part of RequesterName (OpenLDAP: uid).',
  },
  UserObjectClass: {
    type: 'REG_SZ',
    default: AD_ACCOUNT_SCHEMA.userObjectClass,
    meaning: 'The object class searched for user templates (OpenLDAP: inetOrgPerson).',
  },
  ComputerObjectClass: {
    type: 'REG_SZ',
    default: AD_ACCOUNT_SCHEMA.computerObjectClass,
    meaning: 'The object class searched for machine templates.',
  },
  RemoveOldCertsRules: {
    type: 'REG_DWORD',
    default: REMOVE_OLD_CERTS_DEFAULT_RULES,
    flags: {
      REMOVE_OLD_CERTS_EXPIRED: REMOVE_OLD_CERTS_EXPIRED,
      REMOVE_OLD_CERTS_REVOKED: REMOVE_OLD_CERTS_REVOKED,
      REMOVE_OLD_CERTS_SUPERSEDED: REMOVE_OLD_CERTS_SUPERSEDED,
    },
    meaning: 'Which old certificates EXITPUB_REMOVEOLDCERTS removes: expired, revoked, superseded.',
  },
  CertFileDirectories: {
    type: 'REG_MULTI_SZ',
    meaning: "Absolute directories EXITPUB_FILE may write into; the CA's CertEnroll folder when not set.",
  },
  CertEnrollDirectory: {
    type: 'REG_SZ',
    meaning: "The CA's CertEnroll folder (the <RequestID>.cer fallback); the host tells the module when not set.",
  },
});

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
  const v = DEFAULT_EXIT_VALUES;
  const caType = ca.caType ?? ENUM_UNKNOWN_CA;
  const read = <T extends RegistryValueType>(declaration: RegistryValueDeclaration<T>) => {
    const result = readRegistryValue(config, declaration, { caType });
    if (result.problem) issues.push({ level: 'warn', message: `${result.problem}: ignoring it` });
    return result;
  };
  const string = (declaration: RegistryValueDeclaration<'REG_SZ'>) => {
    const value = read(declaration).value?.trim();
    return value === '' ? undefined : value;
  };
  const list = (declaration: RegistryValueDeclaration<'REG_MULTI_SZ'>, separator: RegExp) =>
    (read(declaration).value ?? [])
      .flatMap((entry) => entry.split(separator))
      .map((entry) => entry.trim())
      .filter((entry) => entry !== '');

  const flags = read(v.PublishCertFlags);
  const publishCertFlags = flags.value!;
  const flagsFromConfig = flags.source === 'set';

  const servers: string[] = [];
  for (const url of list(v.LdapServers, /[\s,;]+/)) {
    if (/^ldaps?:\/\/[^/?#\s]+\/?$/i.test(url) && _parses(url)) servers.push(url.replace(/\/$/, ''));
    else
      issues.push({
        level: 'warn',
        message: `${v.LdapServers.name}: ignoring ${JSON.stringify(url)}: not an ldap:// or ldaps:// server URL`,
      });
  }
  const directory: DirectorySettings = {
    servers,
    bindDN: string(v.LdapBindDN),
    bindPasswordFile: string(v.LdapBindPasswordFile),
    bindPasswordEnv: string(v.LdapBindPasswordEnv),
    caFile: string(v.LdapCAFile),
    startTLS: read(v.LdapStartTLS).value !== 0,
    domainDN: string(v.DomainDN) ?? (ca.domainDN || undefined),
    timeoutMs: read(v.LdapTimeoutMs).value!,
    connectionSharing: read(v.LdapConnectionSharing).value!,
    userCertificateAttribute: string(v.UserCertificateAttribute) ?? DEFAULT_USER_CERTIFICATE_ATTRIBUTE,
    accountSchema: {
      nameAttribute: _attributeName(string(v.AccountFilterAttribute), issues) ?? AD_ACCOUNT_SCHEMA.nameAttribute,
      userObjectClass: string(v.UserObjectClass) ?? AD_ACCOUNT_SCHEMA.userObjectClass,
      computerObjectClass: string(v.ComputerObjectClass) ?? AD_ACCOUNT_SCHEMA.computerObjectClass,
    },
  };
  const removeOldCertsRules = read(v.RemoveOldCertsRules).value!;

  const certEnroll = string(v.CertEnrollDirectory) ?? ca.certEnroll;
  const configuredDirectories = list(v.CertFileDirectories, /[\n;]+/);
  const directories: string[] = [];
  for (const entry of configuredDirectories.length > 0 ? configuredDirectories : certEnroll ? [certEnroll] : []) {
    if (isAbsolute(entry) && !entry.includes('\0')) directories.push(resolve(entry));
    else
      issues.push({
        level: 'warn',
        message: `${v.CertFileDirectories.name}: ignoring ${JSON.stringify(entry)}: not an absolute directory path`,
      });
  }
  const files: FileSettings = {
    directories,
    certEnroll: certEnroll && isAbsolute(certEnroll) ? resolve(certEnroll) : undefined,
  };

  if ((publishCertFlags & EXITPUB_ACTIVEDIRECTORY) !== 0) _checkDirectory(directory, issues);
  if ((publishCertFlags & EXITPUB_FILE) !== 0 && directories.length === 0) {
    issues.push({
      level: flagsFromConfig ? 'warn' : 'info',
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
      publishCertFlagsSource: flagsFromConfig ? 'config' : 'default',
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
function _attributeName(value: string | undefined, issues: SettingsIssue[]): string | undefined {
  if (value === undefined || /^[A-Za-z][A-Za-z0-9-]*$/.test(value)) return value;
  issues.push({
    level: 'warn',
    message: `${DEFAULT_EXIT_VALUES.AccountFilterAttribute.name}: ignoring ${JSON.stringify(value)}: not an attribute name`,
  });
  return undefined;
}

function _passwordSource(d: Pick<DirectorySettings, 'bindPasswordFile' | 'bindPasswordEnv'>): string | null {
  if (d.bindPasswordFile !== undefined) return `file ${d.bindPasswordFile}`;
  if (d.bindPasswordEnv !== undefined) return `environment variable ${d.bindPasswordEnv}`;
  return null;
}

function _parses(url: string): boolean {
  try {
    new URL(url);
    return true;
  } catch {
    return false;
  }
}
