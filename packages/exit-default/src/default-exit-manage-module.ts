import type { ICertManageModule, Logger } from '@certexit/core';
import {
  CMM_PROP_COPYRIGHT,
  CMM_PROP_DESCRIPTION,
  CMM_PROP_FILEVER,
  CMM_PROP_NAME,
  CMM_PROP_PRODUCTVER,
  CMM_REFRESHONLY,
  S_FALSE,
} from '@certexit/core';

/** `Name` of the manage module. */
export const DEFAULT_EXIT_MODULE_NAME = 'certexit default exit module';

/** Options of {@link createDefaultExitManageModule}. */
export interface DefaultExitManageModuleOptions {
  /** `File Version` and `Product Version`. */
  version: string;
  logger: Logger;
  /** Re-reads the configuration (`Configure(…, CMM_REFRESHONLY)`). */
  refresh(): void;
  /** The current settings as log fields, without secrets (`Configure(…, 0)`). */
  describe(): Record<string, unknown>;
}

/**
 * The `ICertManageModule` of the default exit module (`CertificateAuthority_MicrosoftDefault.ExitManage`).
 * `GetProperty` answers the five standard names case-insensitively and `undefined` (S_FALSE) for anything else;
 * `SetProperty` is reserved and returns `S_FALSE`; `Configure` with `CMM_REFRESHONLY` reloads the configuration,
 * otherwise (the snap-in's "show the configuration UI") it logs the current settings.
 */
export function createDefaultExitManageModule(options: DefaultExitManageModuleOptions): ICertManageModule {
  const properties = new Map<string, string>([
    [CMM_PROP_NAME.toLowerCase(), DEFAULT_EXIT_MODULE_NAME],
    [
      CMM_PROP_DESCRIPTION.toLowerCase(),
      "Publishes issued certificates to Active Directory (userCertificate) over LDAP, to files and by e-mail: certexit's re-implementation of the Windows default exit module",
    ],
    [CMM_PROP_COPYRIGHT.toLowerCase(), 'Copyright (c) certexit contributors. MIT License.'],
    [CMM_PROP_FILEVER.toLowerCase(), options.version],
    [CMM_PROP_PRODUCTVER.toLowerCase(), options.version],
  ]);
  return {
    GetProperty(_strConfig, _strStorageLocation, strPropertyName) {
      return properties.get(strPropertyName.toLowerCase());
    },
    SetProperty() {
      return S_FALSE;
    },
    Configure(_strConfig, _strStorageLocation, Flags) {
      if ((Flags & CMM_REFRESHONLY) !== 0) {
        options.refresh();
        return;
      }
      options.logger.info(options.describe(), 'default exit module configuration');
    },
  };
}
