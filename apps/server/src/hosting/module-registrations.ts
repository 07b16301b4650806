import { REGVAL_ACTIVE } from '@certexit/core';
import { caRegistryPaths } from '../ca/ca-configuration-paths';
import type { RegistryFile } from '../registry/registry-file';

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

  register(progId: string, source: string, options: { activate?: boolean } = {}): void {
    assertProgId(progId);
    if (source.trim() === '') throw new Error('module register needs a package name or a file path');
    this.registry.setValue(`${caRegistryPaths.progId(progId)}\\Package`, source);
    if (options.activate !== false) this.activate(progId);
  }

  unregister(progId: string): boolean {
    this.deactivate(progId);
    return this.registry.delete(caRegistryPaths.progId(progId));
  }

  /** The code location of a ProgID, or `undefined` when it is not registered. */
  sourceOf(progId: string): string | undefined {
    const value = this.registry.getValue(`${caRegistryPaths.progId(progId)}\\Package`);
    return typeof value === 'string' ? value : undefined;
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

  /** Every registered or active ProgID. */
  list(builtins: readonly string[] = []): ModuleRegistration[] {
    const classes = this.registry.getKey(caRegistryPaths.classes) ?? {};
    const active = this.active().map((p) => p.toLowerCase());
    const names = new Set([...Object.keys(classes), ...this.active(), ...builtins]);
    return [...names].map((progId) => ({
      progId,
      source: this.sourceOf(progId) ?? (builtins.includes(progId) ? '(built in)' : '(not registered)'),
      active: active.includes(progId.toLowerCase()),
    }));
  }

  private activePath(): string {
    return `${caRegistryPaths.exitModules(this.sanitizedName)}\\${REGVAL_ACTIVE}`;
  }
}
