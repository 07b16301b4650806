import type { ICertManageModule } from '@certexit/core';
import {
  CMM_PROP_COPYRIGHT,
  CMM_PROP_DESCRIPTION,
  CMM_PROP_FILEVER,
  CMM_PROP_NAME,
  CMM_PROP_PRODUCTVER,
  S_FALSE,
} from '@certexit/core';

/**
 * The module's `ICertManageModule` (`<App>.ExitManage`): what the snap-in and `certexit module` commands read
 * for version information. Answers the five standard properties, case-insensitively.
 */
export function createTemplateManageModule(): ICertManageModule {
  return {
    GetProperty(_strConfig, _strStorageLocation, strPropertyName) {
      // Unknown names answer `undefined` (S_FALSE in COM), as the SDK sample does.
      return _PROPERTIES.get(strPropertyName.toLowerCase());
    },
    SetProperty() {
      // Reserved by the SDK: change nothing, report "nothing set".
      return S_FALSE;
    },
    Configure() {
      // Flags 0 would show a dialog, CMM_REFRESHONLY would reload settings. A module that reads its settings
      // in Initialize should re-read them here when (Flags & CMM_REFRESHONLY) is set.
    },
  } satisfies ICertManageModule;
}

const _PROPERTIES = new Map<string, string>([
  [CMM_PROP_NAME.toLowerCase(), 'certexit Template exit module'],
  [CMM_PROP_DESCRIPTION.toLowerCase(), 'Logs the RequestID and serial number of every issued certificate'],
  [CMM_PROP_COPYRIGHT.toLowerCase(), 'Copyright (c) certexit contributors. MIT License.'],
  [CMM_PROP_FILEVER.toLowerCase(), __PACKAGE_VERSION__],
  [CMM_PROP_PRODUCTVER.toLowerCase(), __PACKAGE_VERSION__],
]);
