import type { RegistryValueDeclaration, RegistryValueOfType, RegistryValueType } from '@certexit/core';
import { REGKEY_POLICY_MODULES, REGVAL_ACTIVE, readRegistryValue, registryValueDefault } from '@certexit/core';
import { CA_REGISTRY_VALUES } from '../registry/ca-registry-values';
import type { RegistryFile } from '../registry/registry-file';
import { POLICY_MODULE_VALUES } from './policy-registry-values';
import { PROGID_DEFAULT_POLICY } from './request-disposition';

export { DEFAULT_ENABLED_REQUEST_EXTENSIONS } from './policy-registry-values';

/** Registry values of the default policy module (`PolicyModules\CertificateAuthority_MicrosoftDefault.Policy`). */
export const POLICY_VALUE_NAMES = {
  EditFlags: POLICY_MODULE_VALUES.EditFlags.name,
  RequestDisposition: POLICY_MODULE_VALUES.RequestDisposition.name,
  /** OIDs of request extensions copied into certificates under `EDITF_REQUESTEXTENSIONLIST`. */
  EnableRequestExtensionList: POLICY_MODULE_VALUES.EnableRequestExtensionList.name,
  /** OIDs of request extensions never copied under `EDITF_DISABLEEXTENSIONLIST`. */
  DisableExtensionList: POLICY_MODULE_VALUES.DisableExtensionList.name,
} as const;

/** The CA key's `CRLFlags` (`CRLF_*`). */
export const REGVAL_CRL_FLAGS = CA_REGISTRY_VALUES.CRLFlags.name;

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

/** The default `EditFlags` of a CA type, as AD CS setup writes them (`POLICY_MODULE_VALUES.EditFlags`). */
export function defaultEditFlags(caType: number): number {
  return registryValueDefault(POLICY_MODULE_VALUES.EditFlags, { caType })!;
}

/** The default `RequestDisposition` of a CA type: standalone CAs pend for a CA manager, enterprise CAs issue. */
export function defaultRequestDisposition(caType: number): number {
  return registryValueDefault(POLICY_MODULE_VALUES.RequestDisposition, { caType })!;
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
  const policy = ca.registry.keyAt(policyModuleKey(ca));
  const caKey = ca.registry.keyAt(ca.registryPath);
  // A value of the wrong type reads as its default, as AD CS does; setreg refuses to store one.
  const read = <T extends RegistryValueType>(
    key: ReturnType<RegistryFile['keyAt']>,
    declaration: RegistryValueDeclaration<T>,
  ): RegistryValueOfType[T] => readRegistryValue(key, declaration, ca).value!;
  const list = (declaration: RegistryValueDeclaration<'REG_MULTI_SZ'>) =>
    read(policy, declaration)
      .flatMap((entry) => entry.split(/[\s,;]+/))
      .map((entry) => entry.trim())
      .filter((entry) => entry !== '');
  const v = POLICY_MODULE_VALUES;
  return Object.freeze({
    editFlags: read(policy, v.EditFlags) >>> 0,
    requestDisposition: read(policy, v.RequestDisposition) >>> 0,
    enableRequestExtensionList: list(v.EnableRequestExtensionList),
    disableExtensionList: list(v.DisableExtensionList),
    crlFlags: read(caKey, CA_REGISTRY_VALUES.CRLFlags) >>> 0,
  });
}
