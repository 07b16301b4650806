import { PROGID_DEFAULT_EXIT } from '@certexit/core';
import { createDefaultExitModule } from '@certexit/exit-default';
import { createInventoryExitModule } from '@certexit/exit-inventory';

/** The exit modules this server composes in explicitly; others are registered by ProgID and loaded by package. */
export function builtinExitModules() {
  return {
    [PROGID_DEFAULT_EXIT]: createDefaultExitModule,
    'CertExit_Inventory.Exit': createInventoryExitModule,
  };
}
