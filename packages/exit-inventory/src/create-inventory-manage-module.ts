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
import type { InventoryConfig } from './read-inventory-config';

/** What the manage module needs from the exit module it belongs to. */
export interface InventoryManageModuleHooks {
  /** Re-reads the configuration key and applies it to later events (`Configure(CMM_REFRESHONLY)`). */
  refresh(): InventoryConfig;
  /** The settings in effect. */
  current(): InventoryConfig;
  /** The configuration key's path, for messages. */
  readonly configPath: string;
  readonly logger: Logger;
}

/**
 * The inventory's `ICertManageModule` (`CertExit_Inventory.ExitManage`): the five standard properties, a
 * `SetProperty` that changes nothing (`S_FALSE`) and a `Configure` that reloads (`CMM_REFRESHONLY`) or, without UI,
 * logs the settings in effect.
 */
export function createInventoryManageModule(hooks: InventoryManageModuleHooks): ICertManageModule {
  return {
    GetProperty(_strConfig, _strStorageLocation, strPropertyName) {
      // The SDK sample compares names case-insensitively and answers S_FALSE (here: undefined) for any other name.
      return _PROPERTIES.get(strPropertyName.toLowerCase());
    },
    SetProperty() {
      return S_FALSE;
    },
    Configure(_strConfig, _strStorageLocation, Flags) {
      if ((Flags & CMM_REFRESHONLY) !== 0) {
        const { outputFile, eventMask } = hooks.refresh();
        hooks.logger.info({ outputFile, eventMask }, 'inventory configuration reloaded');
        return;
      }
      // Flags 0 would show a dialog; there is no UI, so say where the settings live and what is in effect.
      const { outputFile, eventMask } = hooks.current();
      hooks.logger.info(
        { configPath: hooks.configPath, outputFile, eventMask },
        'inventory settings: OutputFile (REG_SZ) and EventMask (REG_DWORD) under configPath',
      );
    },
  } satisfies ICertManageModule;
}

const _PROPERTIES = new Map<string, string>([
  [CMM_PROP_NAME.toLowerCase(), 'certexit Inventory Exit Module'],
  [CMM_PROP_DESCRIPTION.toLowerCase(), 'Appends one JSON line per certificate and CRL event to an inventory file'],
  [CMM_PROP_COPYRIGHT.toLowerCase(), 'Copyright (c) certexit contributors. MIT License.'],
  [CMM_PROP_FILEVER.toLowerCase(), __PACKAGE_VERSION__],
  [CMM_PROP_PRODUCTVER.toLowerCase(), __PACKAGE_VERSION__],
]);
