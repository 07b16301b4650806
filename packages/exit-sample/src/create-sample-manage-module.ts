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
import type { SampleSettings } from './read-sample-settings';
import { SAMPLE_MANAGE_STRINGS } from './sample-constants';

/** What the manage module needs from its exit module. */
export interface SampleManageHooks {
  /** Re-reads the module's key (`Configure(CMM_REFRESHONLY)`). */
  refresh(): SampleSettings;
  current(): SampleSettings;
  readonly configPath: string;
  readonly logger: Logger;
}

/**
 * module.cpp, `CCertManageExitModuleSample` (`CertAuthority_Sample.ExitManage`): `GetProperty` compares the name
 * case-insensitively with the five standard properties and answers the sample's strings, `S_FALSE` (here
 * `undefined`) for anything else; `SetProperty` is "reserved for later functionality" and answers `S_FALSE`;
 * `Configure` shows "No Configurable Options" in the sample, and here (no UI) logs the settings in effect, or
 * reloads them with `CMM_REFRESHONLY`.
 */
export function createSampleManageModule(hooks: SampleManageHooks): ICertManageModule {
  const strings = new Map<string, string>([
    [CMM_PROP_NAME.toLowerCase(), SAMPLE_MANAGE_STRINGS.name],
    [CMM_PROP_DESCRIPTION.toLowerCase(), SAMPLE_MANAGE_STRINGS.description],
    [CMM_PROP_COPYRIGHT.toLowerCase(), SAMPLE_MANAGE_STRINGS.copyright],
    [CMM_PROP_FILEVER.toLowerCase(), SAMPLE_MANAGE_STRINGS.fileVersion],
    [CMM_PROP_PRODUCTVER.toLowerCase(), SAMPLE_MANAGE_STRINGS.productVersion],
  ]);
  return {
    // _wcsicmp(strPropertyName, wszCMM_PROP_NAME) and so on.
    GetProperty: (_strConfig, _strStorageLocation, strPropertyName) => strings.get(strPropertyName.toLowerCase()),
    SetProperty: () => S_FALSE,
    Configure(_strConfig, _strStorageLocation, Flags) {
      if ((Flags & CMM_REFRESHONLY) !== 0) {
        hooks.logger.info({ settings: hooks.refresh() }, 'configuration reloaded');
        return;
      }
      hooks.logger.info(
        { configPath: hooks.configPath, settings: hooks.current() },
        'No Configurable Options in the SDK sample; this port reads PublishCertFlags, CertEnrollDirectory and CrlCopyDirectory under configPath',
      );
    },
  };
}
