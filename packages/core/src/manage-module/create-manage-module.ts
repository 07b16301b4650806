import { S_FALSE } from '../constants/hresults';
import {
  CMM_PROP_COPYRIGHT,
  CMM_PROP_DESCRIPTION,
  CMM_PROP_FILEVER,
  CMM_PROP_NAME,
  CMM_PROP_PRODUCTVER,
} from '../constants/manage-module';
import type { ICertManageModule } from '../interfaces/cert-manage-module';
import type { MaybePromise } from '../interfaces/maybe-promise';

/** What a module's `ICertManageModule` answers and does. */
export interface ManageModuleOptions {
  /** `Name`, e.g. "certexit Inventory Exit Module". */
  name: string;
  /** `Description`. */
  description: string;
  /** `Copyright`. @default 'Copyright (c) certexit contributors. MIT License.' */
  copyright?: string;
  /** `File Version` and `Product Version`, usually the package's `__PACKAGE_VERSION__`. */
  version: string;
  /**
   * `Configure(strConfig, strStorageLocation, Flags)`: with `CMM_REFRESHONLY` reload the settings; with 0 a host
   * without UI logs them. @default does nothing
   */
  configure?: (flags: number) => MaybePromise<void>;
}

/**
 * The `ICertManageModule` every module needs, as the SDK sample behaves: the five standard properties compared
 * case-insensitively, `undefined` (`S_FALSE`) for any other name, a reserved `SetProperty` that changes nothing and
 * answers `S_FALSE`, and `Configure` handed to the module.
 * @example GetManageModule: () => createManageModule({ name: 'Hello', description: 'Says hello', version: '1.0.0' })
 */
export function createManageModule(options: ManageModuleOptions): ICertManageModule {
  const properties = new Map<string, string>([
    [CMM_PROP_NAME.toLowerCase(), options.name],
    [CMM_PROP_DESCRIPTION.toLowerCase(), options.description],
    [CMM_PROP_COPYRIGHT.toLowerCase(), options.copyright ?? 'Copyright (c) certexit contributors. MIT License.'],
    [CMM_PROP_FILEVER.toLowerCase(), options.version],
    [CMM_PROP_PRODUCTVER.toLowerCase(), options.version],
  ]);
  return {
    GetProperty: (_strConfig, _strStorageLocation, strPropertyName) => properties.get(strPropertyName.toLowerCase()),
    SetProperty: () => S_FALSE,
    Configure: (_strConfig, _strStorageLocation, Flags) => options.configure?.(Flags),
  };
}
