import type { ICertManageModule, Logger } from '@certexit/core';
import { CMM_REFRESHONLY, createManageModule } from '@certexit/core';
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
  return createManageModule({
    name: 'certexit Inventory Exit Module',
    description: 'Appends one JSON line per certificate and CRL event to an inventory file',
    version: __PACKAGE_VERSION__,
    configure(flags) {
      if ((flags & CMM_REFRESHONLY) !== 0) {
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
  });
}
