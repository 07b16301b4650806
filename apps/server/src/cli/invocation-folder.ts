import { existsSync, realpathSync, statSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';

/**
 * The folder the user typed the command in, which relative paths (`--dir ./myca`, request files) resolve against.
 * It is the current folder, except when a package manager started certexit in its own package folder or the
 * workspace root, where nobody keeps a CA: `pnpm --filter certexit exec …`, a package script (`npm run`, `pnpm
 * run`). Those run in the package's folder; npm and pnpm scripts say where the user was in `INIT_CWD`, and `pnpm
 * exec` leaves the shell's `PWD` as it was.
 *
 * @param packageRoot the folder of certexit's package.json (where a package manager runs its scripts)
 */
export function invocationFolder(
  packageRoot: string,
  env: NodeJS.ProcessEnv = process.env,
  cwd: string = process.cwd(),
): string {
  const startedByPackageManager = env.npm_command !== undefined || env.npm_lifecycle_event !== undefined;
  if (!startedByPackageManager) return cwd;
  const here = _real(cwd);
  const root = _real(packageRoot);
  const inOwnFolder =
    here === root || (existsSync(join(here, 'pnpm-workspace.yaml')) && root.startsWith(`${here}${sep}`));
  if (!inOwnFolder) return cwd;
  for (const typed of [env.INIT_CWD, env.PWD]) {
    if (typed && _isDirectory(typed) && _real(typed) !== here) return typed;
  }
  return cwd;
}

/** The package root of a file in `<root>/dist/`. */
export function packageRootOf(distFile: string): string {
  return dirname(dirname(distFile));
}

function _real(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

function _isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
