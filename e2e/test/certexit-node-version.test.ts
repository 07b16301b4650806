// The built `certexit` binary on a Node.js too old for the engine (the machine's system Node.js 20): one line that
// names the required version, a non-zero exit, and nothing loaded that needs node:sqlite. On a supported Node.js
// (the workspace's own), --version prints the package version.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import semver from 'semver';
import { afterAll, describe, expect, it } from 'vitest';
import { REPOSITORY_ROOT } from '../src/repository-root';
import { runCommand } from '../src/run-command';
import { listWorkspacePackages, readManifest } from '../src/workspace-packages';

/** A Node.js older than the engine needs: the system's (Debian's /usr/bin/node is 20 here), or CERTEXIT_OLD_NODE. */
const OLD_NODE = process.env.CERTEXIT_OLD_NODE ?? '/usr/bin/node';
const RANGE = readManifest(REPOSITORY_ROOT).engines?.node ?? '';
const app = listWorkspacePackages(REPOSITORY_ROOT).find((pkg) => {
  const { bin } = pkg.manifest;
  return typeof bin === 'object' && bin !== null && 'certexit' in bin;
});
const work = mkdtempSync(join(tmpdir(), 'certexit-old-node-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function cli(): string {
  expect(app, 'a workspace package with a "certexit" bin').toBeDefined();
  const file = join(REPOSITORY_ROOT, app!.path, (app!.manifest.bin as Record<string, string>).certexit!);
  expect(existsSync(file), `${file} is missing: build first (pnpm build)`).toBe(true);
  return file;
}

describe('the built certexit binary and the Node.js it runs on', () => {
  it(`prints one line naming ${RANGE} and exits 1 on an older Node.js`, () => {
    expect(existsSync(OLD_NODE), `${OLD_NODE} is missing: set CERTEXIT_OLD_NODE to a Node.js older than ${RANGE}`).toBe(
      true,
    );
    const oldVersion = execFileSync(OLD_NODE, ['--version'], { encoding: 'utf8' }).trim().replace(/^v/, '');
    expect(
      semver.satisfies(oldVersion, RANGE),
      `${OLD_NODE} is ${oldVersion}: point CERTEXIT_OLD_NODE at an older one`,
    ).toBe(false);
    const dir = join(work, 'ca');
    for (const args of [['--version'], ['--dir', dir, 'setup', '--name', 'Old Node CA'], []]) {
      const run = runCommand(OLD_NODE, [cli(), ...args], { cwd: work, check: false });
      expect(run.status, args.join(' ')).toBe(1);
      expect(run.stdout).toBe('');
      expect(run.stderr).toBe(
        `certexit needs Node.js ${RANGE} (this is Node.js ${oldVersion}); install Node.js 24 or later\n`,
      );
    }
    expect(existsSync(dir), 'nothing ran past the check').toBe(false);
  });

  it('prints the package version with --version on the workspace Node.js', () => {
    expect(semver.satisfies(process.versions.node, RANGE)).toBe(true);
    const run = runCommand(process.execPath, [cli(), '--version'], { cwd: work });
    expect(run.stdout).toBe(`${app!.manifest.version}\n`);
    expect(runCommand(process.execPath, [cli(), '-V'], { cwd: work }).stdout).toBe(`${app!.manifest.version}\n`);
  });
});
