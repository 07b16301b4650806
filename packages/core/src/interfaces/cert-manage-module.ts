import type { PropertyValue } from '../constants/property-types';
import type { MaybePromise } from './maybe-promise';

/**
 * `ICertManageModule` (CertMod.h): the management plane, not part of the runtime path.
 * `strConfig` is `COMPUTERNAME\CANAME`; `strStorageLocation` the module's configuration key
 * (`...\Configuration\<CA>\ExitModules\<ProgID>`); `Flags` are reserved (0) except for `Configure`.
 */
export interface ICertManageModule {
  /**
   * Reads a property such as `Name`, `Description`, `Copyright`, `File Version`, `Product Version`
   * (names compared case-insensitively).
   * @returns the value (a string for the standard names), or `undefined` for an unknown name (≙ `S_FALSE`).
   */
  GetProperty(
    strConfig: string,
    strStorageLocation: string,
    strPropertyName: string,
    Flags: number,
  ): MaybePromise<PropertyValue | undefined>;
  /**
   * Reserved for later functionality: a minimal implementation returns `S_FALSE` and changes nothing.
   * @returns an HRESULT (`S_FALSE` when nothing was set) or nothing.
   */
  SetProperty(
    strConfig: string,
    strStorageLocation: string,
    strPropertyName: string,
    Flags: number,
    pvarProperty: PropertyValue | undefined,
    // biome-ignore lint/suspicious/noConfusingVoidType: implementations that return nothing are allowed.
  ): MaybePromise<number | undefined | void>;
  /**
   * `0` shows configuration (a host without UI may print it); `CMM_REFRESHONLY` reloads configuration
   * with no UI so later events use the new settings; `CMM_READONLY` is accepted and ignored.
   */
  Configure(strConfig: string, strStorageLocation: string, Flags: number): MaybePromise<void>;
}
