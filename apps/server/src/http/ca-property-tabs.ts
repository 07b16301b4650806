import type * as core from '@certexit/core';
import type { RegistryValue } from '@certexit/core';
import {
  EXITPUB_DEFAULT_ENTERPRISE,
  EXITPUB_DEFAULT_STANDALONE,
  flagConstants,
  isEnterpriseCaType,
  PROGID_DEFAULT_EXIT,
  REGVAL_ACTIVE,
  REGVAL_CACERT_PUBLICATION_URLS,
  REGVAL_CRL_PUBLICATION_URLS,
  REGVAL_PUBLISH_CERT_FLAGS,
} from '@certexit/core';
import type { CaContext, RegistryFile } from '@certexit/engine';
import {
  caRegistryPaths,
  defaultEditFlags,
  POLICY_VALUE_NAMES,
  policyModuleKey,
  readCrlScheduleSettings,
} from '@certexit/engine';

/** A named flag of a tab, as the snap-in labels its check box. */
export interface FlagName {
  readonly name: string;
  readonly value: number;
  readonly label: string;
}

/** A numeric constant of `@certexit/core`, by its name. */
type _CoreNumberName = { [K in keyof typeof core]: (typeof core)[K] extends number ? K : never }[keyof typeof core];

/** Labelled flags in the order given, each value the `@certexit/core` flag of its name (a typo fails to compile). */
function _flagNames(prefix: string, labels: Partial<Record<_CoreNumberName, string>>): FlagName[] {
  const values = flagConstants(prefix);
  return Object.entries(labels).map(([name, label]) => {
    const value = values[name];
    if (value === undefined) throw new Error(`${name} is not a single-bit ${prefix} flag of @certexit/core`);
    return { name, value, label: label as string };
  });
}

/** `CRLPublicationURLs` flags, labelled as the Extensions tab's check boxes for the CDP. */
export const CRL_URL_FLAGS: readonly FlagName[] = _flagNames('CSURL_', {
  CSURL_SERVERPUBLISH: 'Publish CRLs to this location',
  CSURL_ADDTOCRLCDP: 'Include in all CRLs (where to publish in AD)',
  CSURL_ADDTOFRESHESTCRL: 'Include in CRLs (clients use this to find delta CRL locations)',
  CSURL_ADDTOCERTCDP: 'Include in the CDP extension of issued certificates',
  CSURL_SERVERPUBLISHDELTA: 'Publish Delta CRLs to this location',
  CSURL_ADDTOIDP: 'Include in the IDP extension of issued CRLs',
});

/** `CACertPublicationURLs` flags, labelled as the Extensions tab's check boxes for the AIA. */
export const AIA_URL_FLAGS: readonly FlagName[] = _flagNames('CSURL_', {
  CSURL_SERVERPUBLISH: 'Publish the CA certificate to this location',
  CSURL_ADDTOCERTCDP: 'Include in the AIA extension of issued certificates',
  CSURL_ADDTOCERTOCSP: 'Include in the online certificate status protocol (OCSP) extension',
});

/** The default exit module's `PublishCertFlags`. */
export const PUBLISH_CERT_FLAGS: readonly FlagName[] = _flagNames('EXITPUB_', {
  EXITPUB_FILE: 'Allow certificates to be published to the file system',
  EXITPUB_ACTIVEDIRECTORY: 'Publish certificates to Active Directory',
  EXITPUB_REMOVEOLDCERTS: 'Remove older certificates of the same template from the directory object',
});

/**
 * The default policy module's `EditFlags` (CertSrv.h `EDITF_*`) with what each does; the policy module reads them
 * from `PolicyModules\<ProgID>\EditFlags`.
 */
export const EDIT_FLAGS: readonly FlagName[] = _flagNames('EDITF_', {
  EDITF_ENABLEREQUESTEXTENSIONS: 'Copy extensions from the request',
  EDITF_REQUESTEXTENSIONLIST: 'Honour the request extension list',
  EDITF_DISABLEEXTENSIONLIST: 'Honour the disabled extension list',
  EDITF_ADDOLDKEYUSAGE: 'Add the old key usage extension',
  EDITF_ADDOLDCERTTYPE: 'Add the old certificate type extension',
  EDITF_ATTRIBUTEENDDATE: 'Allow the ValidityPeriod request attributes',
  EDITF_BASICCONSTRAINTSCRITICAL: 'Mark basic constraints critical',
  EDITF_BASICCONSTRAINTSCA: 'Add basic constraints to CA certificates (standalone)',
  EDITF_ENABLEAKIKEYID: 'Put the key identifier in the AKI',
  EDITF_ATTRIBUTECA: 'Allow the CAName request attribute',
  EDITF_IGNOREREQUESTERGROUP: 'Ignore the requester’s groups',
  EDITF_ENABLEAKIISSUERNAME: 'Put the issuer name in the AKI',
  EDITF_ENABLEAKIISSUERSERIAL: 'Put the issuer serial number in the AKI',
  EDITF_ENABLEAKICRITICAL: 'Mark the AKI critical',
  EDITF_SERVERUPGRADED: 'Server upgraded',
  EDITF_ATTRIBUTEEKU: 'Allow the CertificateUsage request attribute (EKU)',
  EDITF_ENABLEDEFAULTSMIME: 'Add S/MIME capabilities by default',
  EDITF_EMAILOPTIONAL: 'E-mail address optional',
  EDITF_ATTRIBUTESUBJECTALTNAME2: 'Allow the SAN request attribute (dangerous: ESC6)',
  EDITF_ENABLELDAPREFERRALS: 'Follow LDAP referrals',
  EDITF_ENABLECHASECLIENTDC: 'Ask the client’s domain controller',
  EDITF_AUDITCERTTEMPLATELOAD: 'Audit template loads',
  EDITF_DISABLEOLDOSCNUPN: 'Disable the old-OS CN/UPN mapping',
  EDITF_DISABLELDAPPACKAGELIST: 'Disable the LDAP package list',
  EDITF_ENABLEUPNMAP: 'Map UPNs',
  EDITF_ENABLEOCSPREVNOCHECK: 'Add OCSP no-revocation-check to OCSP certificates',
  EDITF_ENABLERENEWONBEHALFOF: 'Allow renewal on behalf of others',
  EDITF_ENABLEKEYENCIPHERMENTCACERT: 'Allow key encipherment in CA certificates',
});

/** The CRL schedule values of the CA key, with AD CS's defaults where absent. */
export const CRL_SCHEDULE_DEFAULTS = {
  CRLPeriod: 'Weeks',
  CRLPeriodUnits: 1,
  CRLDeltaPeriod: 'Days',
  CRLDeltaPeriodUnits: 0,
  CRLOverlapPeriod: 'Hours',
  CRLOverlapUnits: 0,
  CRLDeltaOverlapPeriod: 'Minutes',
  CRLDeltaOverlapUnits: 0,
} as const;

export type CrlScheduleValues = {
  -readonly [K in keyof typeof CRL_SCHEDULE_DEFAULTS]: (typeof CRL_SCHEDULE_DEFAULTS)[K] extends number
    ? number
    : string;
};

/** One publication URL of the Extensions tab. */
export interface UrlEntry {
  flags: number;
  url: string;
}

/** The CA's properties by the snap-in's tabs. */
export interface CaPropertyTabs {
  extensions: { crl: UrlEntry[]; aia: UrlEntry[] };
  exitModules: Array<{
    progId: string;
    description: string;
    active: boolean;
    publishCertFlags?: number;
    configured?: boolean;
  }>;
  policy: { progId: string; editFlags: number; configured: boolean };
  crlSchedule: CrlScheduleValues;
}

/** One value a change set: what the audit log records. */
export interface PropertyChange {
  /** The registry value path under HKLM. */
  target: string;
  oldValue: RegistryValue | undefined;
  newValue: RegistryValue;
}

/** A tab's change as the API takes it. */
export interface PropertyTabChange {
  crl?: UrlEntry[];
  aia?: UrlEntry[];
  progId?: string;
  publishCertFlags?: number;
  editFlags?: number;
  crlSchedule?: Partial<CrlScheduleValues>;
}

/** The tabs a change may name. */
export type PropertyTab = 'extensions' | 'exit-module' | 'policy' | 'crl-schedule';

/** Reads the four tabs from the CA's registry. */
export function readCaPropertyTabs(
  ca: CaContext,
  modules: ReadonlyArray<{ readonly progId: string; readonly description: string }>,
): CaPropertyTabs {
  const registry = ca.registry;
  const urls = (name: string): UrlEntry[] => _urlEntries(registry.getValue(`${ca.registryPath}\\${name}`));
  const active = _multi(registry.getValue(`${caRegistryPaths.exitModules(ca.sanitizedName)}\\${REGVAL_ACTIVE}`));
  const progIds = [...new Set([...active, ...modules.map((m) => m.progId)])];
  const policyKey = policyModuleKey(ca);
  const editFlagsValue = registry.getNumber(`${policyKey}\\${POLICY_VALUE_NAMES.EditFlags}`);
  return {
    extensions: { crl: urls(REGVAL_CRL_PUBLICATION_URLS), aia: urls(REGVAL_CACERT_PUBLICATION_URLS) },
    exitModules: progIds.map((progId) => {
      const flags = registry.getNumber(
        `${caRegistryPaths.exitModule(ca.sanitizedName, progId)}\\${REGVAL_PUBLISH_CERT_FLAGS}`,
      );
      return {
        progId,
        description: modules.find((m) => m.progId === progId)?.description ?? progId,
        active: active.some((a) => a.toLowerCase() === progId.toLowerCase()),
        ...(progId === PROGID_DEFAULT_EXIT && {
          publishCertFlags: flags ?? _defaultPublishCertFlags(ca.caType),
          configured: flags !== undefined,
        }),
      };
    }),
    policy: {
      progId: policyKey.slice(policyKey.lastIndexOf('\\') + 1),
      editFlags: editFlagsValue ?? defaultEditFlags(ca.caType),
      configured: editFlagsValue !== undefined,
    },
    crlSchedule: _crlSchedule(ca),
  };
}

/**
 * Applies one tab's change to the registry after checking every value, and returns what changed (values equal to
 * the current ones are left alone). Nothing is written when a value is refused: the error names it. A CRL schedule
 * the CA could not run on (a zero base period) is put back and refused.
 */
export function changeCaPropertyTab(ca: CaContext, tab: PropertyTab, change: PropertyTabChange): PropertyChange[] {
  const registry = ca.registry;
  const writes: Array<{ target: string; value: RegistryValue }> = [];
  switch (tab) {
    case 'extensions': {
      if (!change.crl && !change.aia) throw new Error('the Extensions tab takes crl and/or aia lists');
      if (change.crl) {
        _checkUrls(change.crl, CRL_URL_FLAGS, 'crl');
        writes.push({ target: `${ca.registryPath}\\${REGVAL_CRL_PUBLICATION_URLS}`, value: _urlValues(change.crl) });
      }
      if (change.aia) {
        _checkUrls(change.aia, AIA_URL_FLAGS, 'aia');
        writes.push({ target: `${ca.registryPath}\\${REGVAL_CACERT_PUBLICATION_URLS}`, value: _urlValues(change.aia) });
      }
      break;
    }
    case 'exit-module': {
      if (change.progId === undefined || change.publishCertFlags === undefined)
        throw new Error('the Exit Module tab takes progId and publishCertFlags');
      if (change.progId !== PROGID_DEFAULT_EXIT)
        throw new Error(`${change.progId} has no PublishCertFlags: only ${PROGID_DEFAULT_EXIT} reads them`);
      _checkFlags(change.publishCertFlags, PUBLISH_CERT_FLAGS, 'publishCertFlags');
      writes.push({
        target: `${caRegistryPaths.exitModule(ca.sanitizedName, change.progId)}\\${REGVAL_PUBLISH_CERT_FLAGS}`,
        value: change.publishCertFlags,
      });
      break;
    }
    case 'policy': {
      if (change.editFlags === undefined) throw new Error('the Policy tab takes editFlags');
      _checkFlags(change.editFlags, EDIT_FLAGS, 'editFlags');
      writes.push({ target: `${policyModuleKey(ca)}\\${POLICY_VALUE_NAMES.EditFlags}`, value: change.editFlags });
      break;
    }
    case 'crl-schedule': {
      const values = change.crlSchedule;
      if (!values || Object.keys(values).length === 0) throw new Error('the CRL schedule tab takes crlSchedule values');
      const current = _crlSchedule(ca);
      const next = { ...current, ...values };
      if (next.CRLPeriodUnits < 1) throw new Error('CRLPeriodUnits must be at least 1: base CRLs need a period');
      for (const [name, value] of Object.entries(values)) {
        if (!(name in CRL_SCHEDULE_DEFAULTS)) throw new Error(`${name} is not a CRL schedule value`);
        // A value equal to what the CA runs on now (its default, when absent) is no change.
        if (current[name as keyof CrlScheduleValues] === value) continue;
        writes.push({ target: `${ca.registryPath}\\${name}`, value: value as RegistryValue });
      }
      break;
    }
  }
  const changes: PropertyChange[] = [];
  for (const write of writes) {
    const oldValue = registry.getValue(write.target);
    if (JSON.stringify(oldValue) === JSON.stringify(write.value)) continue;
    changes.push({ target: write.target, oldValue, newValue: write.value });
  }
  for (const change of changes) registry.setValue(change.target, change.newValue);
  if (tab === 'crl-schedule') {
    try {
      readCrlScheduleSettings(ca);
    } catch (error) {
      _undo(registry, changes);
      throw error;
    }
  }
  return changes;
}

/** Puts back the values of changes (after a failure to record them, or a schedule the CA could not run on). */
export function undoPropertyChanges(ca: CaContext, changes: readonly PropertyChange[]): void {
  _undo(ca.registry, changes);
}

function _undo(registry: RegistryFile, changes: readonly PropertyChange[]): void {
  for (const change of [...changes].reverse()) {
    if (change.oldValue === undefined) registry.delete(change.target);
    else registry.setValue(change.target, change.oldValue);
  }
}

function _crlSchedule(ca: CaContext): CrlScheduleValues {
  const out = { ...CRL_SCHEDULE_DEFAULTS } as CrlScheduleValues;
  for (const name of Object.keys(CRL_SCHEDULE_DEFAULTS) as Array<keyof CrlScheduleValues>) {
    const value = ca.registry.getValue(`${ca.registryPath}\\${name}`);
    if (value === undefined) continue;
    if (typeof CRL_SCHEDULE_DEFAULTS[name] === 'number') {
      const n = typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value;
      if (typeof n === 'number') (out as Record<string, unknown>)[name] = n;
    } else if (typeof value === 'string') (out as Record<string, unknown>)[name] = value;
  }
  return out;
}

function _defaultPublishCertFlags(caType: number): number {
  return isEnterpriseCaType(caType) ? EXITPUB_DEFAULT_ENTERPRISE : EXITPUB_DEFAULT_STANDALONE;
}

function _multi(value: RegistryValue | undefined): string[] {
  if (Array.isArray(value)) return value.map(String);
  return typeof value === 'string' && value !== '' ? [value] : [];
}

function _urlEntries(value: RegistryValue | undefined): UrlEntry[] {
  return _multi(value).flatMap((entry) => {
    const match = /^(\d+):(.+)$/s.exec(entry);
    return match ? [{ flags: Number(match[1]), url: match[2]! }] : [];
  });
}

function _urlValues(entries: readonly UrlEntry[]): string[] {
  return entries.map((e) => `${e.flags}:${e.url}`);
}

function _checkUrls(entries: readonly UrlEntry[], names: readonly FlagName[], what: string): void {
  entries.forEach((entry, i) => {
    _checkFlags(entry.flags, names, `${what}[${i}].flags`);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point.
    if (/[\u0000-\u001f\u007f]/.test(entry.url) || entry.url.trim() !== entry.url || entry.url === '')
      throw new Error(
        `${what}[${i}].url ${JSON.stringify(entry.url)} is empty or holds control characters or edge spaces`,
      );
    const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(entry.url)?.[1]?.toLowerCase();
    const local = entry.url.startsWith('/') || /^[A-Za-z]:[\\/]/.test(entry.url);
    if (!local && !['http', 'https', 'ldap', 'file'].includes(scheme ?? ''))
      throw new Error(
        `${what}[${i}].url ${JSON.stringify(entry.url)} is not an http:, https:, ldap: or file: URL nor an absolute path`,
      );
    if (/%(?!1[0-4]|[1-9])/.test(entry.url))
      throw new Error(`${what}[${i}].url ${JSON.stringify(entry.url)} has a % that is not one of the tokens %1 to %14`);
  });
}

function _checkFlags(value: number, names: readonly FlagName[], what: string): void {
  const known = names.reduce((mask, flag) => mask | flag.value, 0);
  if (!Number.isInteger(value) || value < 0 || (value & ~known) !== 0)
    throw new Error(`${what} 0x${value.toString(16)} has bits no flag names (${names.map((f) => f.name).join(', ')})`);
}
