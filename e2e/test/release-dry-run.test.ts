// A release rehearsed on a scratch copy of the working tree, offline and without credentials: `pnpm ci:version`
// (what the release workflow's version job runs) with the pending changesets, then with a breaking change and a fix
// to the contract, then
// `pnpm publish -r --dry-run` and `pnpm -r pack`. The checkout itself is only read; build it first.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import semver from 'semver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BumpType } from '../src/pending-changesets';
import { highestBumps, readPendingChangesets } from '../src/pending-changesets';
import type { DryRunTarball } from '../src/publish-dry-run';
import { parsePublishDryRun } from '../src/publish-dry-run';
import { startEmptyRegistry } from '../src/registry-stub';
import { REPOSITORY_ROOT } from '../src/repository-root';
import { credentialFreeEnv, runCommand } from '../src/run-command';
import type { ScratchRepository } from '../src/scratch-repository';
import { createScratchRepository } from '../src/scratch-repository';
import { secretsIn, tarballProblems } from '../src/tarball-problems';
import type { WorkspacePackage } from '../src/workspace-packages';
import { listWorkspacePackages } from '../src/workspace-packages';

const CONTRACT = '@certexit/core';
const OFFLINE = credentialFreeEnv({ CI: 'true', npm_config_offline: 'true' });

let scratch: ScratchRepository;
let dryRun: DryRunTarball[] = [];

const packages = () => listWorkspacePackages(scratch.dir);
const isPublic = (pkg: WorkspacePackage) => pkg.manifest.private !== true;
const versions = () => new Map(packages().map((pkg) => [pkg.manifest.name, pkg.manifest.version]));
const changelog = (pkg: WorkspacePackage) => readFileSync(join(scratch.dir, pkg.path, 'CHANGELOG.md'), 'utf8');
const internalDependencies = (pkg: WorkspacePackage) =>
  Object.entries({ ...pkg.manifest.dependencies, ...pkg.manifest.peerDependencies }).filter(([, range]) =>
    range.startsWith('workspace:'),
  );

/** Adds and commits a changeset for the contract; returns its commit and the versions before it is applied. */
function addChangeset(type: BumpType, summary: string) {
  const file = join(scratch.dir, '.changeset', `e2e-contract-${type}.md`);
  writeFileSync(file, `---\n"${CONTRACT}": ${type}\n---\n\n${summary}\n`);
  scratch.commitAll(`a ${type} changeset for the contract`);
  return { commit: scratch.git('rev-parse', '--short=7', 'HEAD').trim(), before: versions() };
}

function ciVersion(): string {
  const run = scratch.pnpm(['run', 'ci:version'], { env: OFFLINE });
  return run.stdout + run.stderr;
}

beforeAll(() => {
  for (const pkg of listWorkspacePackages(REPOSITORY_ROOT).filter(isPublic)) {
    const dist = join(REPOSITORY_ROOT, pkg.path, 'dist');
    expect(existsSync(dist), `${dist} is missing: build first (pnpm build)`).toBe(true);
  }
  scratch = createScratchRepository(REPOSITORY_ROOT, 'certexit-release-');
});
afterAll(() => scratch?.remove());

describe('a release rehearsed on a scratch copy, offline and without credentials', () => {
  it('`pnpm ci:version` applies every pending changeset: versions bumped, changelogs written, none left', () => {
    const pending = readPendingChangesets(scratch.dir);
    const bumps = highestBumps(pending);
    const before = versions();
    const output = ciVersion();

    expect(readPendingChangesets(scratch.dir)).toEqual([]);
    if (pending.length > 0) expect(output).toContain('changelog: git-based entries');
    for (const pkg of packages()) {
      const { name, version } = pkg.manifest;
      const bump = bumps.get(name);
      if (!isPublic(pkg) || !bump) {
        if (!isPublic(pkg)) expect(version, `${name} is private: never versioned`).toBe(before.get(name));
        continue;
      }
      expect(version, `${name} ${before.get(name)} with a ${bump} changeset`).toBe(semver.inc(before.get(name)!, bump));
      expect(changelog(pkg)).toMatch(new RegExp(`^# ${name}\\n\\n## ${version.replaceAll('.', '\\.')}\\n`));
    }
    scratch.commitAll('Version Packages');
  });

  it(`a breaking change to ${CONTRACT} (minor, pre-1.0) releases every package that depends on it, with a new range`, () => {
    const { commit, before } = addChangeset('minor', 'A breaking change to the contract, from the e2e release test.');
    ciVersion();
    const after = packages();
    const contract = after.find((pkg) => pkg.manifest.name === CONTRACT)!;
    expect(contract.manifest.version).toBe(semver.inc(before.get(CONTRACT)!, 'minor'));
    expect(changelog(contract)).toContain(
      `## ${contract.manifest.version}\n\n### Minor Changes\n\n- ${commit}: A breaking change to the contract, from the e2e release test.\n`,
    );
    // The contract's new version leaves every dependent's ^range, so each dependent is released with the new range.
    const dependents = after.filter((pkg) => internalDependencies(pkg).some(([name]) => name === CONTRACT));
    expect(dependents.filter(isPublic).length, 'public packages that depend on the contract').toBeGreaterThan(0);
    for (const pkg of after) {
      const { name, version } = pkg.manifest;
      if (pkg === contract) continue;
      if (!isPublic(pkg) || !dependents.includes(pkg)) {
        expect(version, `${name} takes no part in this release`).toBe(before.get(name));
        continue;
      }
      expect(version, `${name} depends on ${CONTRACT}`).toBe(semver.inc(before.get(name)!, 'patch'));
      expect(changelog(pkg)).toContain(`## ${version}\n\n### Patch Changes\n\n- Updated dependencies [${commit}]\n`);
      expect(changelog(pkg)).toContain(`  - ${CONTRACT}@${contract.manifest.version}`);
      for (const [dependency, range] of internalDependencies(pkg)) {
        expect(range, `${name} keeps the workspace protocol for ${dependency}`).toMatch(/^workspace:/);
      }
    }
    scratch.commitAll('Version Packages');
  });

  it(`a patch to ${CONTRACT} releases the contract alone: the dependents' ^ranges already take it`, () => {
    const { commit, before } = addChangeset('patch', 'A fix in the contract, from the e2e release test.');
    ciVersion();
    for (const pkg of packages()) {
      const { name, version } = pkg.manifest;
      if (name !== CONTRACT) {
        expect(version, `${name} is not released`).toBe(before.get(name));
        continue;
      }
      expect(version).toBe(semver.inc(before.get(CONTRACT)!, 'patch'));
      expect(changelog(pkg)).toContain(
        `### Patch Changes\n\n- ${commit}: A fix in the contract, from the e2e release test.`,
      );
    }
    scratch.commitAll('Version Packages');
  });

  it('`pnpm publish -r --dry-run` lists every public package at its new version, with a sane tarball', async () => {
    const registry = await startEmptyRegistry();
    let output: string;
    try {
      const env = credentialFreeEnv({ CI: 'true', npm_config_fetch_retries: '0' });
      const run = await scratch.pnpmAsync(['publish', '--recursive', '--dry-run', '--registry', registry.url], { env });
      output = run.stdout + run.stderr;
    } finally {
      await registry.close();
    }
    const expected = packages()
      .filter(isPublic)
      .map((pkg) => `${pkg.manifest.name}@${pkg.manifest.version}`)
      .sort();
    const parsed = parsePublishDryRun(output);
    expect(parsed.published.sort()).toEqual(expected);
    expect(parsed.tarballs.map((t) => `${t.name}@${t.version}`).sort()).toEqual(expected);
    expect(output).toContain(`Publishing to ${registry.url} with tag latest and public access (dry-run)`);
    for (const tarball of parsed.tarballs) {
      const pkg = packages().find((candidate) => candidate.manifest.name === tarball.name)!;
      expect(tarball.files.length, `${tarball.name}: the whole listing was read`).toBe(tarball.totalFiles);
      expect(tarballProblems(pkg.manifest, tarball.files), tarball.name).toEqual([]);
    }
    // pnpm asked the registry which versions exist (that is all the network a dry run needs), and uploaded nothing.
    expect(registry.requests.filter((request) => request.method !== 'GET')).toEqual([]);
    for (const spec of expected) {
      const name = spec.slice(0, spec.lastIndexOf('@'));
      expect(registry.requests.map((request) => request.path)).toContain(`/${name}`);
    }
    dryRun = parsed.tarballs;
  });

  it('the packed tarballs hold what the dry run listed, ranges that take the new versions, and no secrets', () => {
    expect(dryRun.length, 'the dry run ran').toBeGreaterThan(0);
    const packs = mkdtempSync(join(tmpdir(), 'certexit-packs-'));
    try {
      scratch.pnpm(['--recursive', 'pack', '--pack-destination', packs]);
      const current = versions();
      for (const tarball of dryRun) {
        const file = join(packs, `${tarball.name.replace(/^@/, '').replace('/', '-')}-${tarball.version}.tgz`);
        const listed = runCommand('tar', ['-tzf', file], { cwd: packs })
          .stdout.split('\n')
          .filter((path) => path && !path.endsWith('/'))
          .map((path) => path.replace(/^package\//, ''));
        expect(listed.sort(), tarball.name).toEqual([...tarball.files].sort());

        const unpacked = join(packs, tarball.name.replace('/', '+'));
        mkdirSync(unpacked);
        runCommand('tar', ['-xzf', file, '-C', unpacked, '--strip-components=1'], { cwd: packs });
        const manifest = JSON.parse(
          readFileSync(join(unpacked, 'package.json'), 'utf8'),
        ) as WorkspacePackage['manifest'];
        for (const [dependency, range] of Object.entries({ ...manifest.dependencies, ...manifest.peerDependencies })) {
          expect(range, `${tarball.name} → ${dependency}`).not.toMatch(/^(workspace|catalog):/);
          const internal = current.get(dependency);
          if (internal) {
            expect(
              semver.satisfies(internal, range),
              `${tarball.name} → ${dependency}@${range} takes ${internal}`,
            ).toBe(true);
          }
        }
        for (const path of listFiles(unpacked)) {
          expect(secretsIn(readFileSync(join(unpacked, path), 'utf8')), `${tarball.name}: ${path}`).toEqual([]);
        }
      }
    } finally {
      rmSync(packs, { recursive: true, force: true });
    }
  });
});

function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)));
}
