import type { RegistryValue } from '@certexit/core';
import * as core from '@certexit/core';
import {
  CSURL_ADDTOCERTCDP,
  CSURL_ADDTOCERTOCSP,
  CSURL_ADDTOCRLCDP,
  CSURL_ADDTOFRESHESTCRL,
  CSURL_ADDTOIDP,
  CSURL_SERVERPUBLISH,
  CSURL_SERVERPUBLISHDELTA,
  EXITPUB_ACTIVEDIRECTORY,
  EXITPUB_DEFAULT_ENTERPRISE,
  EXITPUB_DEFAULT_STANDALONE,
  EXITPUB_FILE,
  EXITPUB_REMOVEOLDCERTS,
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

/** `CRLPublicationURLs` flags, labelled as the Extensions tab's check boxes for the CDP. */
export const CRL_URL_FLAGS: readonly FlagName[] = [
  { name: 'CSURL_SERVERPUBLISH', value: CSURL_SERVERPUBLISH, label: 'Publish CRLs to this location' },
  { name: 'CSURL_ADDTOCRLCDP', value: CSURL_ADDTOCRLCDP, label: 'Include in all CRLs (where to publish in AD)' },
  {
    name: 'CSURL_ADDTOFRESHESTCRL',
    value: CSURL_ADDTOFRESHESTCRL,
    label: 'Include in CRLs (clients use this to find delta CRL locations)',
  },
  {
    name: 'CSURL_ADDTOCERTCDP',
    value: CSURL_ADDTOCERTCDP,
    label: 'Include in the CDP extension of issued certificates',
  },
  { name: 'CSURL_SERVERPUBLISHDELTA', value: CSURL_SERVERPUBLISHDELTA, label: 'Publish Delta CRLs to this location' },
  { name: 'CSURL_ADDTOIDP', value: CSURL_ADDTOIDP, label: 'Include in the IDP extension of issued CRLs' },
];

/** `CACertPublicationURLs` flags, labelled as the Extensions tab's check boxes for the AIA. */
export const AIA_URL_FLAGS: readonly FlagName[] = [
  { name: 'CSURL_SERVERPUBLISH', value: CSURL_SERVERPUBLISH, label: 'Publish the CA certificate to this location' },
  {
    name: 'CSURL_ADDTOCERTCDP',
    value: CSURL_ADDTOCERTCDP,
    label: 'Include in the AIA extension of issued certificates',
  },
  {
    name: 'CSURL_ADDTOCERTOCSP',
    value: CSURL_ADDTOCERTOCSP,
    label: 'Include in the online certificate status protocol (OCSP) extension',
  },
];

/** The default exit module's `PublishCertFlags`. */
export const PUBLISH_CERT_FLAGS: readonly FlagName[] = [
  { name: 'EXITPUB_FILE', value: EXITPUB_FILE, label: 'Allow certificates to be published to the file system' },
  {
    name: 'EXITPUB_ACTIVEDIRECTORY',
    value: EXITPUB_ACTIVEDIRECTORY,
    label: 'Publish certificates to Active Directory',
  },
  {
    name: 'EXITPUB_REMOVEOLDCERTS',
    value: EXITPUB_REMOVEOLDCERTS,
    label: 'Remove older certificates of the same template from the directory object',
  },
];

/**
 * The default policy module's `EditFlags` (CertSrv.h `EDITF_*`) with what each does; the policy module reads them
 * from `PolicyModules\<ProgID>\EditFlags`.
 */
export const EDIT_FLAGS: readonly FlagName[] = [
  {
    name: 'EDITF_ENABLEREQUESTEXTENSIONS',
    value: core.EDITF_ENABLEREQUESTEXTENSIONS,
    label: 'Copy extensions from the request',
  },
  {
    name: 'EDITF_REQUESTEXTENSIONLIST',
    value: core.EDITF_REQUESTEXTENSIONLIST,
    label: 'Honour the request extension list',
  },
  {
    name: 'EDITF_DISABLEEXTENSIONLIST',
    value: core.EDITF_DISABLEEXTENSIONLIST,
    label: 'Honour the disabled extension list',
  },
  { name: 'EDITF_ADDOLDKEYUSAGE', value: core.EDITF_ADDOLDKEYUSAGE, label: 'Add the old key usage extension' },
  { name: 'EDITF_ADDOLDCERTTYPE', value: core.EDITF_ADDOLDCERTTYPE, label: 'Add the old certificate type extension' },
  {
    name: 'EDITF_ATTRIBUTEENDDATE',
    value: core.EDITF_ATTRIBUTEENDDATE,
    label: 'Allow the ValidityPeriod request attributes',
  },
  {
    name: 'EDITF_BASICCONSTRAINTSCRITICAL',
    value: core.EDITF_BASICCONSTRAINTSCRITICAL,
    label: 'Mark basic constraints critical',
  },
  {
    name: 'EDITF_BASICCONSTRAINTSCA',
    value: core.EDITF_BASICCONSTRAINTSCA,
    label: 'Add basic constraints to CA certificates (standalone)',
  },
  { name: 'EDITF_ENABLEAKIKEYID', value: core.EDITF_ENABLEAKIKEYID, label: 'Put the key identifier in the AKI' },
  { name: 'EDITF_ATTRIBUTECA', value: core.EDITF_ATTRIBUTECA, label: 'Allow the CAName request attribute' },
  {
    name: 'EDITF_IGNOREREQUESTERGROUP',
    value: core.EDITF_IGNOREREQUESTERGROUP,
    label: 'Ignore the requester’s groups',
  },
  { name: 'EDITF_ENABLEAKIISSUERNAME', value: core.EDITF_ENABLEAKIISSUERNAME, label: 'Put the issuer name in the AKI' },
  {
    name: 'EDITF_ENABLEAKIISSUERSERIAL',
    value: core.EDITF_ENABLEAKIISSUERSERIAL,
    label: 'Put the issuer serial number in the AKI',
  },
  { name: 'EDITF_ENABLEAKICRITICAL', value: core.EDITF_ENABLEAKICRITICAL, label: 'Mark the AKI critical' },
  { name: 'EDITF_SERVERUPGRADED', value: core.EDITF_SERVERUPGRADED, label: 'Server upgraded' },
  {
    name: 'EDITF_ATTRIBUTEEKU',
    value: core.EDITF_ATTRIBUTEEKU,
    label: 'Allow the CertificateUsage request attribute (EKU)',
  },
  {
    name: 'EDITF_ENABLEDEFAULTSMIME',
    value: core.EDITF_ENABLEDEFAULTSMIME,
    label: 'Add S/MIME capabilities by default',
  },
  { name: 'EDITF_EMAILOPTIONAL', value: core.EDITF_EMAILOPTIONAL, label: 'E-mail address optional' },
  {
    name: 'EDITF_ATTRIBUTESUBJECTALTNAME2',
    value: core.EDITF_ATTRIBUTESUBJECTALTNAME2,
    label: 'Allow the SAN request attribute (dangerous: ESC6)',
  },
  { name: 'EDITF_ENABLELDAPREFERRALS', value: core.EDITF_ENABLELDAPREFERRALS, label: 'Follow LDAP referrals' },
  {
    name: 'EDITF_ENABLECHASECLIENTDC',
    value: core.EDITF_ENABLECHASECLIENTDC,
    label: 'Ask the client’s domain controller',
  },
  { name: 'EDITF_AUDITCERTTEMPLATELOAD', value: core.EDITF_AUDITCERTTEMPLATELOAD, label: 'Audit template loads' },
  { name: 'EDITF_DISABLEOLDOSCNUPN', value: core.EDITF_DISABLEOLDOSCNUPN, label: 'Disable the old-OS CN/UPN mapping' },
  {
    name: 'EDITF_DISABLELDAPPACKAGELIST',
    value: core.EDITF_DISABLELDAPPACKAGELIST,
    label: 'Disable the LDAP package list',
  },
  { name: 'EDITF_ENABLEUPNMAP', value: core.EDITF_ENABLEUPNMAP, label: 'Map UPNs' },
  {
    name: 'EDITF_ENABLEOCSPREVNOCHECK',
    value: core.EDITF_ENABLEOCSPREVNOCHECK,
    label: 'Add OCSP no-revocation-check to OCSP certificates',
  },
  {
    name: 'EDITF_ENABLERENEWONBEHALFOF',
    value: core.EDITF_ENABLERENEWONBEHALFOF,
    label: 'Allow renewal on behalf of others',
  },
  {
    name: 'EDITF_ENABLEKEYENCIPHERMENTCACERT',
    value: core.EDITF_ENABLEKEYENCIPHERMENTCACERT,
    label: 'Allow key encipherment in CA certificates',
  },
];

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
