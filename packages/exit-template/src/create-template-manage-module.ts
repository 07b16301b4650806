import type { ICertManageModule } from '@certexit/core';
import { createManageModule } from '@certexit/core';

/**
 * The module's `ICertManageModule` (`<App>.ExitManage`): what the snap-in and `certexit module` commands read
 * for version information. `createManageModule` answers the five standard properties as the SDK sample does.
 */
export function createTemplateManageModule(): ICertManageModule {
  return createManageModule({
    name: 'certexit Template exit module',
    description: 'Logs the RequestID and serial number of every issued certificate',
    version: __PACKAGE_VERSION__,
    // Flags 0 would show a dialog, CMM_REFRESHONLY would reload settings. A module that reads its settings in
    // Initialize should re-read them here when (flags & CMM_REFRESHONLY) is set.
    configure: () => undefined,
  });
}
