import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ExitModuleFactory } from '@certexit/core';
import { DB_DISP_REVOKED, PROGID_DEFAULT_EXIT } from '@certexit/core';
import type { CaContext } from '@certexit/engine';
import { createDefaultExitModule } from '@certexit/exit-default';
import { createInventoryExitModule } from '@certexit/exit-inventory';

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

/**
 * Imports the code registered for a ProgID by package name: from here, so that package names resolve from where
 * certexit is installed (its own dependencies, the default and inventory modules, included). The engine's
 * exit-module thread finds this function beside {@link builtinExitModules} in this package's bundle.
 */
export function importExitModule(specifier: string): Promise<unknown> {
  return import(specifier);
}

/**
 * The URL of a module exporting {@link builtinExitModules}, for the engine's exit-module thread (which cannot be
 * handed functions): this file's own entry of the bundle, `dist/builtin-exit-modules.js`, so that the thread loads
 * the modules and not the HTTP server, the CLI and the console beside them. `undefined` when running from source
 * (the tests); the engine then keeps the modules on its own thread.
 */
export function builtinExitModulesUrl(): string | undefined {
  const url = new URL('./builtin-exit-modules.js', import.meta.url);
  return import.meta.url.endsWith('.js') && existsSync(fileURLToPath(url)) ? url.href : undefined;
}
