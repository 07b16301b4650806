import {
  EDITF_DEFAULT_ENTERPRISE,
  EDITF_DEFAULT_STANDALONE,
  isEnterpriseCaType,
  REGKEY_POLICY_MODULES,
  REGVAL_ACTIVE,
} from '@certexit/core';
import type { RegistryFile } from '../registry/registry-file';
import { PROGID_DEFAULT_POLICY, REQDISP_ISSUE, REQDISP_PENDINGFIRST } from './request-disposition';

/** Registry values of the default policy module (`PolicyModules\CertificateAuthority_MicrosoftDefault.Policy`). */
export const POLICY_VALUE_NAMES = {
  EditFlags: 'EditFlags',
  RequestDisposition: 'RequestDisposition',
  /** OIDs of request extensions copied into certificates under `EDITF_REQUESTEXTENSIONLIST`. */
  EnableRequestExtensionList: 'EnableRequestExtensionList',
  /** OIDs of request extensions never copied under `EDITF_DISABLEEXTENSIONLIST`. */
  DisableExtensionList: 'DisableExtensionList',
} as const;

/** The CA key's `CRLFlags` (`CRLF_*`). */
export const REGVAL_CRL_FLAGS = 'CRLFlags';

/**
 * Request extensions a CA may copy without changing what the certificate lets its holder do: S/MIME capabilities,
 * the CA version a subordinate asks for, the previous CA certificate hash of a CA renewal, TLS feature (OCSP
 * must-staple). What `EnableRequestExtensionList` holds on a new CA.
 */
export const DEFAULT_ENABLED_REQUEST_EXTENSIONS: readonly string[] = [
  '1.2.840.113549.1.9.15',
  '1.3.6.1.4.1.311.21.1',
  '1.3.6.1.4.1.311.21.2',
  '1.3.6.1.5.5.7.1.24',
];

/** What the policy reads from the registry for one request. */
export interface PolicySettings {
  /** `EditFlags`: `EDITF_DEFAULT_ENTERPRISE` or `EDITF_DEFAULT_STANDALONE` when absent. */
  readonly editFlags: number;
  /** `RequestDisposition`: `REQDISP_*`; standalone CAs pend by default, enterprise CAs issue. */
  readonly requestDisposition: number;
  readonly enableRequestExtensionList: readonly string[];
  readonly disableExtensionList: readonly string[];
  /** `CA\CRLFlags`. */
  readonly crlFlags: number;
}

/** The policy module's registry key of a CA. */
export function policyModuleKey(ca: { registry: RegistryFile; registryPath: string }): string {
  const key = `${ca.registryPath}\\${REGKEY_POLICY_MODULES}`;
  const active = ca.registry.getValue(`${key}\\${REGVAL_ACTIVE}`);
  return `${key}\\${typeof active === 'string' && active !== '' ? active : PROGID_DEFAULT_POLICY}`;
}

/** The default `EditFlags` of a CA type, as AD CS setup writes them. */
export function defaultEditFlags(caType: number): number {
  return isEnterpriseCaType(caType) ? EDITF_DEFAULT_ENTERPRISE : EDITF_DEFAULT_STANDALONE;
}

/** The default `RequestDisposition` of a CA type: standalone CAs pend for a CA manager, enterprise CAs issue. */
export function defaultRequestDisposition(caType: number): number {
  return isEnterpriseCaType(caType) ? REQDISP_ISSUE : REQDISP_PENDINGFIRST | REQDISP_ISSUE;
}

/**
 * Reads the policy's settings of a CA, each with its AD CS default when absent. Every request reads them: they are
 * kept per registry file until its {@link RegistryFile.generation} changes (a `setreg`, here or in another process).
 */
export function readPolicySettings(ca: {
  registry: RegistryFile;
  sanitizedName: string;
  registryPath: string;
  caType: number;
}): PolicySettings {
  const generation = ca.registry.generation;
  const cached = _settings.get(ca.registry);
  if (cached?.generation === generation && cached.registryPath === ca.registryPath && cached.caType === ca.caType)
    return cached.settings;
  const settings = _readPolicySettings(ca);
  _settings.set(ca.registry, { generation, registryPath: ca.registryPath, caType: ca.caType, settings });
  return settings;
}

const _settings = new WeakMap<
  RegistryFile,
  { generation: number; registryPath: string; caType: number; settings: PolicySettings }
>();

function _readPolicySettings(ca: { registry: RegistryFile; registryPath: string; caType: number }): PolicySettings {
  const key = policyModuleKey(ca);
  const dword = (path: string, fallback: number) => {
    const value = ca.registry.getValue(path);
    return typeof value === 'number' ? value >>> 0 : fallback;
  };
  const list = (name: string, fallback: readonly string[]) => {
    const value = ca.registry.getValue(`${key}\\${name}`);
    if (value === undefined) return fallback;
    const entries = Array.isArray(value) ? value.map(String) : typeof value === 'string' ? value.split(/[\s,;]+/) : [];
    return entries.map((e) => e.trim()).filter((e) => e !== '');
  };
  return Object.freeze({
    editFlags: dword(`${key}\\${POLICY_VALUE_NAMES.EditFlags}`, defaultEditFlags(ca.caType)),
    requestDisposition: dword(`${key}\\${POLICY_VALUE_NAMES.RequestDisposition}`, defaultRequestDisposition(ca.caType)),
    enableRequestExtensionList: list(POLICY_VALUE_NAMES.EnableRequestExtensionList, DEFAULT_ENABLED_REQUEST_EXTENSIONS),
    disableExtensionList: list(POLICY_VALUE_NAMES.DisableExtensionList, []),
    crlFlags: dword(`${ca.registryPath}\\${REGVAL_CRL_FLAGS}`, 0),
  });
}
