// scripts/lib/pnpm.sh gives every script the pnpm that package.json pins, whatever pnpm (if any) is on PATH: a
// global pnpm of another 10.x may refuse to switch versions (10.34.9 does, when it cannot verify the pinned
// release's registry signature), so the scripts must not depend on it.
import { accessSync, chmodSync, constants, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPOSITORY_ROOT } from '../src/repository-root';
import { runCommand } from '../src/run-command';

const PINNED = /"packageManager":\s*"pnpm@([^"]+)"/.exec(
  readFileSync(join(REPOSITORY_ROOT, 'package.json'), 'utf8'),
)![1]!;
const work = mkdtempSync(join(tmpdir(), 'certexit-pnpm-sh-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** PATH without any folder that holds a `pnpm` (the test runner's own may be on it). */
const PATH_WITHOUT_PNPM = (process.env.PATH ?? '')
  .split(delimiter)
  .filter((dir) => dir && !isExecutable(join(dir, 'pnpm')))
  .join(delimiter);

/**
 * A `pnpm` that logs every call; `--version` prints `version` (or fails when it is empty, as a pnpm that refuses
 * to switch does), anything else fails loudly: the scripts must not hand it real work unless it is the pinned one.
 */
function fakePnpm(name: string, version: string): { bin: string; calls: () => string[] } {
  const bin = join(work, name);
  const log = join(work, `${name}.log`);
  mkdirSync(bin, { recursive: true });
  writeFileSync(log, '');
  writeFileSync(
    join(bin, 'pnpm'),
    [
      '#!/bin/sh',
      `echo "$*" >> '${log}'`,
      `if [ "$1" = --version ]; then [ -n '${version}' ] && echo '${version}' && exit 0; echo 'ERROR refusing to switch' >&2; exit 1; fi`,
      version === PINNED
        ? `echo 'fake pinned pnpm ran:' "$*"; exit 0`
        : `echo "fake pnpm ${version} must not run: $*" >&2; exit 97`,
      '',
    ].join('\n'),
  );
  chmodSync(join(bin, 'pnpm'), 0o755);
  return { bin, calls: () => readFileSync(log, 'utf8').split('\n').filter(Boolean) };
}

/** Sources the script in the repository root (read-only here) and runs `pnpm_cmd <args>`. */
function pnpmCmd(path: string, ...args: string[]) {
  return runCommand('sh', ['-c', '. scripts/lib/pnpm.sh && pnpm_cmd "$@"', 'pnpm', ...args], {
    cwd: REPOSITORY_ROOT,
    env: { ...process.env, PATH: path },
    check: false,
    timeoutMs: 120_000,
  });
}

describe('scripts/lib/pnpm.sh', () => {
  it.each([
    ['another 10.x', '10.20.0'],
    ['a pnpm 10 that refuses to switch', ''],
  ])('with %s first on PATH, runs the pinned pnpm, for the scripts and for the commands they start', (_, version) => {
    const fake = fakePnpm(`pnpm-${version || 'refusing'}`, version);
    const path = [fake.bin, PATH_WITHOUT_PNPM].join(delimiter);
    const own = pnpmCmd(path, '--version');
    expect(own.stderr).not.toContain('must not run');
    expect(own.status).toBe(0);
    expect(own.stdout.trim()).toBe(PINNED);
    // Package scripts (ci:version runs `pnpm install`) and turbo call plain `pnpm`: the pinned one comes first.
    const child = pnpmCmd(path, 'exec', 'sh', '-c', 'pnpm --version');
    expect(child.stdout.trim(), child.stderr).toBe(PINNED);
    expect(fake.calls(), 'the global pnpm is only asked its version').toEqual(['--version', '--version']);
  });

  it('uses a global pnpm that is the pinned version', () => {
    const fake = fakePnpm('pnpm-pinned', PINNED);
    const run = pnpmCmd([fake.bin, PATH_WITHOUT_PNPM].join(delimiter), 'install', '--frozen-lockfile');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('fake pinned pnpm ran: install --frozen-lockfile');
    expect(fake.calls()).toEqual(['--version', 'install --frozen-lockfile']);
  });

  it('runs the pinned pnpm when none is installed', () => {
    const run = pnpmCmd(PATH_WITHOUT_PNPM, '--version');
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout.trim()).toBe(PINNED);
  });

  it('names the problem when sourced outside the repository root', () => {
    const run = runCommand('sh', ['-c', `. '${join(REPOSITORY_ROOT, 'scripts/lib/pnpm.sh')}' && pnpm_cmd --version`], {
      cwd: work,
      check: false,
    });
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain('no "packageManager": "pnpm@<version>" in ./package.json');
  });
});

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
