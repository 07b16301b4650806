import { declareRegistryValues, REGVAL_ACTIVE } from '@certexit/core';
import { caRegistryPaths } from '../ca/ca-configuration-paths';
import type { RegistryFile } from '../registry/registry-file';

/** The values of a class registration, `SOFTWARE\\Classes\\<ProgID>` (what regsvr32 writes on Windows). */
export const PROGID_REGISTRY_VALUES = declareRegistryValues({
  Package: {
    type: 'REG_SZ',
    readOnly: 'set by certexit module register',
    meaning: 'The npm package or the JavaScript file whose default export is the module factory.',
  },
  ResolveFrom: {
    type: 'REG_SZ',
    readOnly: 'set by certexit module register',
    meaning: 'The project folder the package was found in, when not in the CA folder or certexit itself.',
  },
  Command: {
    type: 'REG_SZ',
    readOnly: 'set by certexit module register --process',
    meaning: 'The program of a module that runs as its own process, started without a shell.',
  },
  Arguments: {
    type: 'REG_MULTI_SZ',
    readOnly: 'set by certexit module register --process',
    meaning: 'The arguments of that program.',
  },
});

/** A ProgID as COM accepts it: `<App>.<Class>` with an optional version, letters, digits and underscores. */
const _PROGID = /^[A-Za-z][A-Za-z0-9_]{0,38}\.[A-Za-z][A-Za-z0-9_]{0,38}(\.\d{1,5})?$/;

/** Throws a clear error for a malformed ProgID. */
export function assertProgId(progId: string): void {
  if (!_PROGID.test(progId)) {
    throw new Error(`${JSON.stringify(progId)} is not a ProgID (<App>.<Class>[.<version>], letters, digits and _)`);
  }
}

/** One registered exit module: a ProgID and where its code comes from. */
export interface ModuleRegistration {
  progId: string;
  /** An npm package name or a file path (absolute, or relative to the CA folder). */
  source: string;
  active: boolean;
}

/**
 * The COM-registration and `ExitModules\Active` side of hosting, over the registry file: `register` writes
 * `SOFTWARE\Classes\<ProgID>\Package` (what regsvr32 does on Windows), `activate` appends to the ordered
 * `Active` multi-string (what the snap-in's Exit Module tab does).
 */
export class ModuleRegistrations {
  constructor(
    private readonly registry: RegistryFile,
    private readonly sanitizedName: string,
  ) {}

  /**
   * Registers a module's code: a package name or a file. `resolveFrom` is the project folder the package was found
   * in, when it is not in the CA folder or the host's own packages (see `locateExitModule`).
   */
  register(progId: string, source: string, options: { activate?: boolean; resolveFrom?: string } = {}): void {
    assertProgId(progId);
    if (source.trim() === '') throw new Error('module register needs a package name or a file path');
    const key = caRegistryPaths.progId(progId);
    for (const name of [PROGID_REGISTRY_VALUES.Command.name, PROGID_REGISTRY_VALUES.Arguments.name])
      this.registry.delete(`${key}\\${name}`);
    this.registry.setValue(`${key}\\${PROGID_REGISTRY_VALUES.Package.name}`, source);
    if (options.resolveFrom)
      this.registry.setValue(`${key}\\${PROGID_REGISTRY_VALUES.ResolveFrom.name}`, options.resolveFrom);
    else this.registry.delete(`${key}\\${PROGID_REGISTRY_VALUES.ResolveFrom.name}`);
    if (options.activate !== false) this.activate(progId);
  }

  /**
   * Registers a module that runs as its own process in any language (the `@certexit/automation` wire protocol):
   * `command` is run without a shell, with `args`, and with only the environment kept under the module's key
   * (`ExitModules\<ProgID>\Environment`, set with `setEnvironment`).
   */
  registerProcess(
    progId: string,
    command: string,
    args: readonly string[],
    options: { activate?: boolean } = {},
  ): void {
    assertProgId(progId);
    if (command.trim() === '') throw new Error('module register --process needs the program to run');
    for (const name of [PROGID_REGISTRY_VALUES.Package.name, PROGID_REGISTRY_VALUES.ResolveFrom.name])
      this.registry.delete(`${caRegistryPaths.progId(progId)}\\${name}`);
    this.registry.setValue(`${caRegistryPaths.progId(progId)}\\${PROGID_REGISTRY_VALUES.Command.name}`, command);
    this.registry.setValue(`${caRegistryPaths.progId(progId)}\\${PROGID_REGISTRY_VALUES.Arguments.name}`, [...args]);
    if (options.activate !== false) this.activate(progId);
  }

  /** The program of a module registered with {@link registerProcess}, or `undefined`. */
  processOf(progId: string): { command: string; args: string[] } | undefined {
    const command = this.registry.getValue(`${caRegistryPaths.progId(progId)}\\${PROGID_REGISTRY_VALUES.Command.name}`);
    if (typeof command !== 'string') return undefined;
    const args = this.registry.getValue(`${caRegistryPaths.progId(progId)}\\${PROGID_REGISTRY_VALUES.Arguments.name}`);
    return { command, args: Array.isArray(args) ? args.map(String) : [] };
  }

  /** The environment a process module gets: exactly the values under its `Environment` key. */
  environmentOf(progId: string): Record<string, string> {
    const key = this.registry.getKey(`${caRegistryPaths.exitModule(this.sanitizedName, progId)}\\Environment`) ?? {};
    return Object.fromEntries(Object.entries(key).filter(([, v]) => typeof v === 'string') as Array<[string, string]>);
  }

  /** Sets one variable of a process module's environment (its value may be a credential: never logged). */
  setEnvironment(progId: string, name: string, value: string): void {
    if (!/^[A-Za-z_][A-Za-z0-9_]{0,127}$/.test(name))
      throw new Error(`${JSON.stringify(name)} is not an environment variable name`);
    this.registry.setValue(`${caRegistryPaths.exitModule(this.sanitizedName, progId)}\\Environment\\${name}`, value);
  }

  unregister(progId: string): boolean {
    this.deactivate(progId);
    return this.registry.delete(caRegistryPaths.progId(progId));
  }

  /** The code location of a ProgID, or `undefined` when it is not registered. */
  sourceOf(progId: string): string | undefined {
    const value = this.registry.getValue(`${caRegistryPaths.progId(progId)}\\${PROGID_REGISTRY_VALUES.Package.name}`);
    return typeof value === 'string' ? value : undefined;
  }

  /** The project folder a package registration resolves from (`ResolveFrom`), when it has one. */
  resolveFromOf(progId: string): string | undefined {
    const value = this.registry.getValue(
      `${caRegistryPaths.progId(progId)}\\${PROGID_REGISTRY_VALUES.ResolveFrom.name}`,
    );
    return typeof value === 'string' && value !== '' ? value : undefined;
  }

  /** The ordered `ExitModules\Active` list. */
  active(): string[] {
    const value = this.registry.getValue(this.activePath());
    if (Array.isArray(value)) return value.map(String);
    return typeof value === 'string' && value !== '' ? [value] : [];
  }

  activate(progId: string): void {
    const active = this.active();
    if (!active.some((p) => p.toLowerCase() === progId.toLowerCase()))
      this.registry.setValue(this.activePath(), [...active, progId]);
  }

  deactivate(progId: string): void {
    const active = this.active();
    const kept = active.filter((p) => p.toLowerCase() !== progId.toLowerCase());
    if (kept.length !== active.length) this.registry.setValue(this.activePath(), kept);
  }

  /** Every registered or active ProgID: the active ones in `ExitModules\\Active` order, then the others by name. */
  list(builtins: readonly string[] = []): ModuleRegistration[] {
    const classes = this.registry.getKey(caRegistryPaths.classes) ?? {};
    const active = this.active();
    const activeLower = active.map((p) => p.toLowerCase());
    const others = [...new Set([...Object.keys(classes), ...builtins])]
      .filter((progId) => !activeLower.includes(progId.toLowerCase()))
      .sort((a, b) => a.localeCompare(b));
    return [...active, ...others].map((progId) => {
      const process = this.processOf(progId);
      return {
        progId,
        source:
          this.sourceOf(progId) ??
          (process ? `process: ${[process.command, ...process.args].join(' ')}` : undefined) ??
          (builtins.some((b) => b.toLowerCase() === progId.toLowerCase()) ? '(built in)' : '(not registered)'),
        active: activeLower.includes(progId.toLowerCase()),
      };
    });
  }

  private activePath(): string {
    return `${caRegistryPaths.exitModules(this.sanitizedName)}\\${REGVAL_ACTIVE}`;
  }
}
