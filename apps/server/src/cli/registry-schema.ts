import type { RegistryKeyDeclaration } from '@certexit/core';
import { declaredSubkey, mergeRegistryKeyDeclarations, REGKEY_EXIT_MODULES } from '@certexit/core';
import type { CaContext } from '@certexit/engine';
import {
  CA_REGISTRY_KEY,
  caRegistryPaths,
  EXIT_MODULE_KEY,
  exitModuleFactoryOf,
  importExitModuleFactory,
  ModuleRegistrations,
  PROGID_REGISTRY_VALUES,
} from '@certexit/engine';
import { builtinExitModules, importExitModule } from '../builtin-exit-modules';
import { CALLERS_KEY, REGKEY_CALLERS } from '../http/caller-directory';

/** What certexit knows of one registry key: its declaration, and whose it is. */
export interface RegistryKeySchema {
  /** The declared values and subkeys; `undefined` for a key certexit does not read. */
  readonly declaration: RegistryKeyDeclaration | undefined;
  /**
   * Set under the key of an exit module that declares no values (a third-party module): undeclared names are its
   * own, settable with an explicit type.
   */
  readonly undeclaredModule?: string;
  /** Why the module's declaration could not be read (its code does not load). */
  readonly moduleProblem?: string;
}

/** The CA's key with the parts certexit (the app) adds to the engine's: the API callers. */
export const CERTEXIT_CA_REGISTRY_KEY: RegistryKeyDeclaration = mergeRegistryKeyDeclarations(CA_REGISTRY_KEY, {
  values: {},
  subkeys: { [REGKEY_CALLERS]: CALLERS_KEY },
});

/**
 * The declaration of the key at `path` (HKLM-relative): the CA's key and its subkeys from the engine's catalogues;
 * an exit module's key from the engine's values of every module key plus the module's own (its factory's
 * `configuration`, from the registered code or the built-ins); a class registration (`SOFTWARE\Classes\<ProgID>`).
 */
export async function registryKeySchema(ca: CaContext, path: string): Promise<RegistryKeySchema> {
  const segments = path.split('\\').filter((s) => s !== '');
  const under = (base: string) => {
    const prefix = base.split('\\');
    return segments.length >= prefix.length && prefix.every((p, i) => p.toLowerCase() === segments[i]!.toLowerCase())
      ? segments.slice(prefix.length)
      : undefined;
  };
  const inClasses = under(caRegistryPaths.classes);
  if (inClasses) return { declaration: inClasses.length === 1 ? { values: PROGID_REGISTRY_VALUES } : undefined };
  const inCa = under(caRegistryPaths.ca(ca.sanitizedName));
  if (!inCa) return { declaration: undefined };
  if (inCa.length >= 2 && inCa[0]!.toLowerCase() === REGKEY_EXIT_MODULES.toLowerCase()) {
    const progId = inCa[1]!;
    const own = await exitModuleConfiguration(ca, progId);
    // The module's own values first; the engine's (delivery, process limits) win where a name is both.
    const moduleKey = mergeRegistryKeyDeclarations(own.configuration, EXIT_MODULE_KEY);
    return {
      declaration: declaredSubkey(moduleKey, inCa.slice(2)),
      ...(own.configuration === undefined && { undeclaredModule: own.progId }),
      ...(own.problem && { moduleProblem: own.problem }),
    };
  }
  return { declaration: declaredSubkey(CERTEXIT_CA_REGISTRY_KEY, inCa) };
}

/**
 * What a module declares about its key (its factory's `configuration`): loaded from its registered code, or the
 * built-in factory. Process modules, and code that does not load, declare nothing.
 */
export async function exitModuleConfiguration(
  ca: CaContext,
  progId: string,
): Promise<{ progId: string; configuration?: RegistryKeyDeclaration; problem?: string }> {
  const registrations = new ModuleRegistrations(ca.registry, ca.sanitizedName);
  const known = registrations
    .list(Object.keys(builtinExitModules()))
    .find((r) => r.progId.toLowerCase() === progId.toLowerCase());
  const name = known?.progId ?? progId;
  if (registrations.processOf(name)) return { progId: name };
  try {
    const source = registrations.sourceOf(name);
    if (source !== undefined) {
      const factory = await importExitModuleFactory(name, source, ca, {
        resolveFrom: registrations.resolveFromOf(name),
        importModule: importExitModule,
      });
      return { progId: name, ...(factory.configuration && { configuration: factory.configuration }) };
    }
    const builtin = Object.entries(builtinExitModules()).find(([id]) => id.toLowerCase() === name.toLowerCase());
    if (!builtin) return { progId: name };
    const factory = exitModuleFactoryOf(name, builtin[1], ca);
    return { progId: name, ...(factory.configuration && { configuration: factory.configuration }) };
  } catch (error) {
    return { progId: name, problem: error instanceof Error ? error.message : String(error) };
  }
}
