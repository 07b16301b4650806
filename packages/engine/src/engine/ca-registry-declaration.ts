import type { RegistryKeyDeclaration } from '@certexit/core';
import { CA_DIRECTORY_KEY, CA_DIRECTORY_VALUES } from '../directory/ca-directory-settings';
import { EXIT_MODULE_KEY, EXIT_MODULES_VALUES } from '../hosting/exit-module-registry-values';
import { POLICY_MODULE_VALUES, POLICY_MODULES_VALUES } from '../policy/policy-registry-values';
import { CA_REGISTRY_VALUES } from '../registry/ca-registry-values';

/**
 * The CA's key (`...\Configuration\<CA>`) as the engine declares it: its own values and those of its subkeys, from
 * the catalogues their readers use. A module's own values join its `ExitModules\<ProgID>` key from the module's
 * factory (`configuration`); an app adds its own subkeys (certexit: `Callers`).
 */
export const CA_REGISTRY_KEY: RegistryKeyDeclaration = {
  values: CA_REGISTRY_VALUES,
  subkeys: {
    [CA_DIRECTORY_KEY]: { values: CA_DIRECTORY_VALUES },
    ExitModules: { values: EXIT_MODULES_VALUES, subkeys: { '*': EXIT_MODULE_KEY } },
    PolicyModules: { values: POLICY_MODULES_VALUES, subkeys: { '*': { values: POLICY_MODULE_VALUES } } },
  },
};
