import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { runPnpm } from './run-command';
import { listWorkspacePackages } from './workspace-packages';

/** A packed public package: its name, version and tarball. */
export interface PackedPackage {
  name: string;
  version: string;
  tarball: string;
}

/**
 * Packs every public package of the workspace at `root` with `pnpm pack` (which turns `workspace:` ranges into real
 * ones, as publishing does) into `destination`. The checkout is only read; its packages must be built.
 */
export function packPublicPackages(root: string, destination: string): PackedPackage[] {
  const packages = listWorkspacePackages(root).filter((pkg) => pkg.manifest.private !== true);
  for (const pkg of packages) {
    const dist = join(root, pkg.path, 'dist');
    if (!existsSync(dist)) throw new Error(`${dist} is missing: build first (pnpm build)`);
  }
  runPnpm(
    [
      '--recursive',
      ...packages.flatMap((pkg) => ['--filter', pkg.manifest.name]),
      'pack',
      '--pack-destination',
      destination,
    ],
    { cwd: root },
  );
  const tarballs = readdirSync(destination).filter((file) => file.endsWith('.tgz'));
  return packages.map((pkg) => {
    const file = `${pkg.manifest.name.replace(/^@/, '').replace('/', '-')}-${pkg.manifest.version}.tgz`;
    if (!tarballs.includes(file)) throw new Error(`pnpm pack made no ${file} (made: ${tarballs.join(', ')})`);
    return { name: pkg.manifest.name, version: pkg.manifest.version, tarball: join(destination, file) };
  });
}
