import { chmodSync, lstatSync, readdirSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';

/**
 * Makes a CA folder the CA's alone: the folder and its subfolders 0700, its files 0600 (the database and its -wal
 * and -shm, the registry with its callers, the keys, templates, requests, published certificates and CRLs). Runs at
 * setup and whenever the folder is opened, so folders made before this rule are fixed too; a file that is not this
 * user's to change is left as it is. Symbolic links are never followed.
 */
export function restrictCaFolder(root: string): void {
  _restrict(root, 0o700);
  for (const entry of _entries(root)) {
    const path = join(root, entry);
    const kind = _kind(path);
    if (kind === 'file') _restrict(path, 0o600);
    else if (kind === 'directory') {
      _restrict(path, 0o700);
      for (const inner of _entries(path)) {
        const file = join(path, inner);
        if (_kind(file) === 'file') _restrict(file, 0o600);
      }
    }
  }
}

/** The mode a file the CA writes gets: 0600 inside its folder, the process default elsewhere (a web server's CDP). */
export function caFileMode(root: string, target: string): number | undefined {
  const inside = relative(root, target);
  return inside !== '' && !inside.startsWith('..') && !isAbsolute(inside) ? 0o600 : undefined;
}

function _entries(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function _kind(path: string): 'file' | 'directory' | 'other' {
  try {
    const stat = lstatSync(path);
    return stat.isFile() ? 'file' : stat.isDirectory() ? 'directory' : 'other';
  } catch {
    return 'other';
  }
}

function _restrict(path: string, mode: number): void {
  try {
    if ((lstatSync(path).mode & 0o777) !== mode) chmodSync(path, mode);
  } catch {
    // Not ours to change, or gone meanwhile.
  }
}
