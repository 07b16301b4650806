import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
// Node's own resolution from a folder of our choosing (`import.meta.resolve` takes no parent without a flag), with
// the `import` conditions, so ESM-only module packages resolve as Node would import them.
import { resolve as resolveSpecifier } from 'import-meta-resolve';

/** Where a registered module's code was found. */
export interface ExitModuleCodeLocation {
  /** The file URL to import. */
  readonly url: string;
  /**
   * `file`: a registered path; `ca-folder`: the package in the CA folder's `node_modules`; `project`: the package
   * in the project the module was registered from (`ResolveFrom`).
   */
  readonly from: 'file' | 'ca-folder' | 'project';
}

/** True when a registration names a file (`./x.mjs`, `/opt/x.mjs`) rather than an npm package. */
export function isExitModulePath(source: string): boolean {
  return source.startsWith('.') || isAbsolute(source);
}

/**
 * Finds the code of a module registered by package name or path, the way `certexit module register` documents it:
 * a path is taken relative to the CA folder; a package is looked up from the CA folder (its `node_modules`, then
 * those above it, as Node looks: `npm install --prefix <CA folder> <package>`), then from the project it was
 * registered from. `undefined` when neither has it:
 * the host then imports the name from its own installation (the packages certexit depends on).
 */
export function locateExitModule(
  source: string,
  where: { caFolder: string; resolveFrom?: string | undefined },
): ExitModuleCodeLocation | undefined {
  if (isExitModulePath(source)) return { url: pathToFileURL(resolve(where.caFolder, source)).href, from: 'file' };
  const from = [
    ['ca-folder', where.caFolder],
    ['project', where.resolveFrom],
  ] as const;
  for (const [kind, folder] of from) {
    if (!folder) continue;
    try {
      return { url: resolveSpecifier(source, pathToFileURL(`${resolve(folder)}/`).href), from: kind };
    } catch (error) {
      if (!_notFound(error)) throw error;
    }
  }
  return undefined;
}

function _notFound(error: unknown): boolean {
  return (error as { code?: unknown }).code === 'ERR_MODULE_NOT_FOUND';
}
