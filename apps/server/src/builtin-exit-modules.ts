import type { ExitModuleFactory } from '@certexit/core';
import { DB_DISP_REVOKED, PROGID_DEFAULT_EXIT } from '@certexit/core';
import { createDefaultExitModule } from '@certexit/exit-default';
import { createInventoryExitModule } from '@certexit/exit-inventory';
import type { CaContext } from './ca/ca-context';

/**
 * The exit modules this server composes in explicitly; others are registered by ProgID and loaded by package. Each
 * entry is given the opened CA, so a module can be handed what only the engine knows: the default module's
 * `REMOVEOLDCERTS` asks this CA's database whether a certificate is revoked, and writes files under `CertEnroll`.
 */
export function builtinExitModules(): Record<string, (ca?: CaContext) => ExitModuleFactory> {
  return {
    [PROGID_DEFAULT_EXIT]: (ca) =>
      createDefaultExitModule(
        ca && {
          certEnrollDirectory: ca.folder.certEnroll,
          async isRevoked({ serialNumber }) {
            // The database keeps serials as lowercase hex.
            const requestId = await ca.store.findRequestIdBySerial(serialNumber.toLowerCase());
            return requestId !== undefined && (await ca.store.getRequest(requestId))?.Disposition === DB_DISP_REVOKED;
          },
        },
      ),
    'CertExit_Inventory.Exit': () => createInventoryExitModule(),
  };
}
