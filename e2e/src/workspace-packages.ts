import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

/** The parts of a package.json these tests read. */
export interface PackageManifest {
  name: string;
  version: string;
  private?: boolean;
  bin?: string | Record<string, string>;
  exports?: unknown;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  engines?: Record<string, string>;
  packageManager?: string;
}

/** One workspace package: where it is and its manifest. */
export interface WorkspacePackage {
  /** Relative to the repository root, with forward slashes (`packages/core`). */
  path: string;
  manifest: PackageManifest;
}

/** Every package pnpm-workspace.yaml names (`dir/*` and plain `dir` entries), in path order. */
export function listWorkspacePackages(root: string): WorkspacePackage[] {
  const workspace = parse(readFileSync(join(root, 'pnpm-workspace.yaml'), 'utf8')) as { packages?: string[] };
  const paths = (workspace.packages ?? []).flatMap((entry) => {
    if (!entry.endsWith('/*')) return [entry];
    const parent = entry.slice(0, -2);
    return readdirSync(join(root, parent), { withFileTypes: true })
      .filter((dirent) => dirent.isDirectory())
      .map((dirent) => `${parent}/${dirent.name}`);
  });
  return paths
    .filter((path) => existsSync(join(root, path, 'package.json')))
    .sort()
    .map((path) => ({ path, manifest: readManifest(join(root, path)) }));
}

/** The manifest of the package in `dir`. */
export function readManifest(dir: string): PackageManifest {
  return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as PackageManifest;
}
