import { REGKEY_CONFIG_PATH, REGKEY_EXIT_MODULES, REGKEY_POLICY_MODULES } from '@certexit/core';

/** HKLM-relative registry paths of one CA, built in one place. */
export const caRegistryPaths = {
  configuration: REGKEY_CONFIG_PATH,
  ca: (sanitizedName: string) => `${REGKEY_CONFIG_PATH}\\${sanitizedName}`,
  exitModules: (sanitizedName: string) => `${REGKEY_CONFIG_PATH}\\${sanitizedName}\\${REGKEY_EXIT_MODULES}`,
  exitModule: (sanitizedName: string, progId: string) =>
    `${REGKEY_CONFIG_PATH}\\${sanitizedName}\\${REGKEY_EXIT_MODULES}\\${progId}`,
  policyModules: (sanitizedName: string) => `${REGKEY_CONFIG_PATH}\\${sanitizedName}\\${REGKEY_POLICY_MODULES}`,
  /** COM-style class registrations (HKCR = HKLM\SOFTWARE\Classes): ProgID to package or file. */
  classes: 'SOFTWARE\\Classes',
  progId: (progId: string) => `SOFTWARE\\Classes\\${progId}`,
} as const;
