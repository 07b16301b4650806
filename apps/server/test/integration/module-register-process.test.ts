import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../../../tooling/test/test-pki';

const CLI = resolve(import.meta.dirname, '../../dist/cli.js');
const work = makeTempDir('certexit-module-process-');
const ca = work.file('ca');
const project = work.file('project');
afterAll(() => work.remove());

const HELLO = `export default {
  specificationVersion: 'v1',
  progId: 'CertExit_Hello.Exit',
  version: '1.0.0',
  create: () => ({ Initialize: () => 1, GetDescription: () => 'hello from the project', Notify() {} }),
};
`;

/** The built binary, run in `cwd` with a person's environment (no package-manager variables). */
function certexit(cwd: string, ...args: string[]) {
  expect(existsSync(CLI), `${CLI} is missing: build first (pnpm build)`).toBe(true);
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([n]) => !/^(npm_|INIT_CWD$|PNPM_|CERTEXIT_)/i.test(n)),
  );
  const run = spawnSync(process.execPath, [CLI, '--dir', ca, ...args], {
    cwd,
    env: { ...env, PWD: cwd },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe('module register and list, as installed processes', { timeout: 120_000 }, () => {
  it('registers a package installed in the current project, and loads it later from anywhere', () => {
    expect(certexit(work.path, 'setup', '--name', 'Module Process CA', '--type', 'standalone-root').status).toBe(0);
    // The issue's case: the module guide's `pnpm add` put the package in the project, not where certexit is.
    const pkg = join(project, 'node_modules', '@contoso', 'exit-hello');
    mkdirSync(pkg, { recursive: true });
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'my-ca-ops', private: true }));
    writeFileSync(
      join(pkg, 'package.json'),
      JSON.stringify({ name: '@contoso/exit-hello', version: '1.0.0', type: 'module', exports: './index.js' }),
    );
    writeFileSync(join(pkg, 'index.js'), HELLO);
    // From elsewhere it is not found: refused, nothing stored.
    const elsewhere = certexit(work.path, 'module', 'register', 'CertExit_Hello.Exit', '@contoso/exit-hello');
    expect(elsewhere.status).toBe(1);
    expect(elsewhere.stderr).toMatch(
      /cannot find the package @contoso\/exit-hello: looked from .*, then .*, then certexit's own packages/,
    );
    expect(readFileSync(join(ca, 'registry.json'), 'utf8')).not.toContain('CertExit_Hello.Exit');
    // From the project it is found, and the registration remembers the project.
    const registered = certexit(project, 'module', 'register', 'CertExit_Hello.Exit', '@contoso/exit-hello');
    expect(registered.status, registered.stderr).toBe(0);
    expect(registered.stdout).toContain(`found in ${project}`);
    const listed = certexit(work.path, '--json', 'module', 'list', '--load');
    expect(listed.status, listed.stderr).toBe(0);
    expect(JSON.parse(listed.stdout).modules).toContainEqual(
      expect.objectContaining({ progId: 'CertExit_Hello.Exit', loaded: true, description: 'hello from the project' }),
    );
  });

  it('module list --load names a module whose code is gone, with the reason, in Active order', () => {
    const file = work.write('gone.mjs', HELLO.replace('CertExit_Hello', 'Contoso_Gone'));
    expect(certexit(work.path, 'module', 'register', 'Contoso_Gone.Exit', file).status).toBe(0);
    rmSync(file);
    const listed = certexit(work.path, 'module', 'list', '--load');
    expect(listed.status).toBe(0);
    expect(listed.stdout.trim().split('\n')).toEqual([
      expect.stringMatching(/^CertificateAuthority_MicrosoftDefault\.Exit {2}\[direct\]/),
      expect.stringMatching(/^CertExit_Hello\.Exit {2}\[direct\] {2}"hello from the project"/),
      expect.stringMatching(/^Contoso_Gone\.Exit {2}FAILED to load \(Load\): cannot load .*gone\.mjs/),
    ]);
  });
});
