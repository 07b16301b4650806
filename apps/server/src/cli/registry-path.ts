import { REGVAL_ACTIVE } from '@certexit/core';
import type { CaContext } from '@certexit/engine';
import { caRegistryPaths, ModuleRegistrations } from '@certexit/engine';

/**
 * Resolves a certutil-style registry path: `CA\X` is the CA's key, `exit\X` the first active exit module's key
 * (`exit\<ProgID>\X` a named one), `policy\X` the active policy module's key; `SYSTEM\…` and `SOFTWARE\…` are
 * taken as they are (HKLM-relative).
 */
export function resolveRegistryPath(ca: CaContext, path: string): string {
  const [head = '', ...rest] = path.split('\\');
  const tail = rest.join('\\');
  const join = (base: string) => (tail ? `${base}\\${tail}` : base);
  switch (head.toLowerCase()) {
    case 'ca':
      return join(ca.registryPath);
    case 'exit': {
      const registrations = new ModuleRegistrations(ca.registry, ca.sanitizedName);
      const [maybeProgId = '', ...after] = rest;
      const named = registrations.list().find((r) => r.progId.toLowerCase() === maybeProgId.toLowerCase());
      if (named) return [caRegistryPaths.exitModule(ca.sanitizedName, named.progId), ...after].join('\\');
      const first = registrations.active()[0];
      if (!first) throw new Error('exit\\… names the first active exit module, and ExitModules\\Active is empty');
      return join(caRegistryPaths.exitModule(ca.sanitizedName, first));
    }
    case 'policy': {
      const active = ca.registry.getValue(`${caRegistryPaths.policyModules(ca.sanitizedName)}\\${REGVAL_ACTIVE}`);
      return join(`${caRegistryPaths.policyModules(ca.sanitizedName)}\\${String(active)}`);
    }
    case 'system':
    case 'software':
      return path;
    default:
      throw new Error(
        `registry path ${JSON.stringify(path)} must start with CA\\, exit\\, policy\\, SYSTEM\\ or SOFTWARE\\`,
      );
  }
}
