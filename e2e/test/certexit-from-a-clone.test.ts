// `certexit` as a new user gets it from a clone, following the README: bin/certexit linked onto PATH (after
// `npm run build:cli`), run from the user's own folder with the system's older Node.js first on PATH; and through
// `pnpm --filter certexit exec`, which runs in the package's folder. Relative paths resolve where the user is, and
// an error is one line.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPOSITORY_ROOT } from '../src/repository-root';
import { runCommand } from '../src/run-command';
import { readManifest } from '../src/workspace-packages';

const APP = join(REPOSITORY_ROOT, 'apps/server');
const SHIM = join(REPOSITORY_ROOT, 'bin/certexit');
const work = mkdtempSync(join(tmpdir(), 'certexit-clone-'));
const bin = join(work, 'bin');
const user = join(work, 'home');
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A person's shell environment: PATH with the linked shim and the system's Node.js, no package-manager variables. */
function shellEnv(cwd: string): NodeJS.ProcessEnv {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !/^(npm_|INIT_CWD$|PNPM_|CERTEXIT_|NODE_OPTIONS$)/i.test(name)),
  );
  return { ...env, PATH: `${bin}:/usr/local/bin:/usr/bin:/bin`, PWD: cwd };
}

/** Runs a command line in a shell, in `cwd`, as typed. */
function sh(line: string, cwd: string) {
  return runCommand('sh', ['-c', line], { cwd, env: shellEnv(cwd), check: false, timeoutMs: 120_000 });
}

describe('certexit from a clone', () => {
  it('README: bin/certexit linked onto PATH runs in the folder you are in, on any system Node.js', () => {
    expect(existsSync(join(APP, 'dist/cli.js')), 'build first: npm run build:cli').toBe(true);
    mkdirSync(bin);
    mkdirSync(user);
    symlinkSync(SHIM, join(bin, 'certexit'));
    const readme = readFileSync(join(REPOSITORY_ROOT, 'README.md'), 'utf8');
    expect(readme).toContain('npm run build:cli');
    expect(readme).toContain('bin/certexit');

    expect(sh('certexit --version', user).stdout).toBe(`${readManifest(APP).version}\n`);
    const setup = sh('certexit --dir ./myca setup --name "Clone CA" --type standalone-root', user);
    expect(setup.status, setup.stderr).toBe(0);
    expect(setup.stderr).toBe('');
    expect(existsSync(join(user, 'myca', 'registry.json'))).toBe(true);
    const missing = sh('certexit --dir ./myca retrieve 7', user);
    expect(missing.status).toBe(1);
    expect(missing.stdout).toBe('');
    expect(missing.stderr).toBe('certexit: request 7 does not exist (CERTSRV_E_NO_REQUEST)\n');
  });

  it('pnpm --filter certexit exec resolves --dir against the folder it was typed in', () => {
    // A folder inside the workspace (pnpm finds the workspace from there), not the package's.
    mkdirSync(join(REPOSITORY_ROOT, '.tmp'), { recursive: true });
    const inside = mkdtempSync(join(REPOSITORY_ROOT, '.tmp', 'e2e-pnpm-exec-'));
    try {
      const version = readManifest(REPOSITORY_ROOT).packageManager?.replace(/^pnpm@([^+]+).*$/, '$1');
      const run = sh(
        `npx -y pnpm@${version} --filter certexit exec node dist/cli.js --dir ./viapnpm setup --name "Pnpm CA" --type standalone-root`,
        inside,
      );
      expect(run.status, run.stderr).toBe(0);
      expect(existsSync(join(inside, 'viapnpm', 'registry.json'))).toBe(true);
      expect(existsSync(join(APP, 'viapnpm'))).toBe(false);
    } finally {
      rmSync(inside, { recursive: true, force: true });
    }
  });
});
