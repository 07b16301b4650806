// Installing only what you need, outside the workspace: every public package is packed, and an empty folder installs
// from the tarballs alone (npm, the @certexit/* names overridden to the tarballs, the registry for third-party
// dependencies): (a) the `certexit` command, which sets up a CA, issues and publishes a CRL that OpenSSL checks;
// (b) a module author's set, @certexit/core, @certexit/testing and a sample module and nothing else, whose
// conformance kit then passes. npm's downloads are cached under .tmp/npm-cache, so later runs need no network.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PackedPackage } from '../src/pack-public-packages';
import { packPublicPackages } from '../src/pack-public-packages';
import { REPOSITORY_ROOT } from '../src/repository-root';
import { credentialFreeEnv, runCommand } from '../src/run-command';
import { readManifest } from '../src/workspace-packages';

const work = mkdtempSync(join(tmpdir(), 'certexit-packed-install-'));
const tarballs = join(work, 'tarballs');
const NPM_CACHE = join(REPOSITORY_ROOT, '.tmp', 'npm-cache');
let packed: PackedPackage[] = [];

beforeAll(() => {
  mkdirSync(tarballs);
  packed = packPublicPackages(REPOSITORY_ROOT, tarballs);
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

/**
 * The environment of a user outside the workspace: the workspace's Node.js first on PATH (certexit needs 22.16 or
 * 24; the system's may be older), no credentials, no workspace or package-manager state, npm's cache in .tmp.
 */
function userEnv(): NodeJS.ProcessEnv {
  const env = Object.fromEntries(
    Object.entries(credentialFreeEnv()).filter(
      ([n]) => !/^(npm_|INIT_CWD$|PNPM_|CERTEXIT_|NODE_OPTIONS$|VITEST)/i.test(n),
    ),
  );
  return {
    ...env,
    PATH: `${dirname(process.execPath)}:/usr/local/bin:/usr/bin:/bin`,
    npm_config_cache: NPM_CACHE,
    npm_config_prefer_offline: 'true',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
  };
}

/** An empty project in a folder outside the workspace, with these dependencies, installed by npm. */
function install(name: string, dependencies: Record<string, string>): string {
  const folder = join(work, name);
  mkdirSync(folder);
  const overrides = Object.fromEntries(
    packed.map((pkg) => [pkg.name, pkg.name in dependencies ? `$${pkg.name}` : `file:${pkg.tarball}`]),
  );
  writeFileSync(
    join(folder, 'package.json'),
    `${JSON.stringify({ name, private: true, type: 'module', dependencies, overrides }, null, 2)}\n`,
  );
  runCommand('npm', ['install', '--no-package-lock'], { cwd: folder, env: userEnv(), timeoutMs: 600_000 });
  return folder;
}

const tarballOf = (name: string) => `file:${packed.find((pkg) => pkg.name === name)!.tarball}`;
const installedScope = (folder: string) => readdirSync(join(folder, 'node_modules', '@certexit')).sort();

describe('installing only what you need, from the packed tarballs', () => {
  it('every public package packs, the certexit command among them', () => {
    expect(packed.map((pkg) => pkg.name)).toContain('certexit');
    expect(packed.map((pkg) => pkg.name)).toEqual(expect.arrayContaining(['@certexit/core', '@certexit/testing']));
  });

  it('the certexit package alone gives a certexit that sets up a CA, issues and publishes a CRL OpenSSL checks', () => {
    const folder = install('ca-operator', { certexit: tarballOf('certexit') });
    expect(installedScope(folder)).toEqual([
      'automation',
      'console',
      'core',
      'direct',
      'engine',
      'exit-default',
      'exit-inventory',
      'exit-sample',
      'exit-syslog',
      'exit-webhook',
      'ldap',
      'x509',
    ]);
    const certexit = (...args: string[]) =>
      runCommand(join(folder, 'node_modules', '.bin', 'certexit'), ['--dir', './ca', ...args], {
        cwd: folder,
        env: userEnv(),
      });
    const version = `${readManifest(join(REPOSITORY_ROOT, 'apps/server')).version}\n`;
    expect(certexit('--version').stdout).toBe(version);
    // `npx certexit` in the project runs the same command.
    expect(runCommand('npx', ['--no-install', 'certexit', '--version'], { cwd: folder, env: userEnv() }).stdout).toBe(
      version,
    );
    const setup = JSON.parse(
      certexit('--json', 'setup', '--name', 'Packed CA', '--type', 'standalone-root').stdout,
    ) as {
      files: string[];
    };
    const openssl = (...args: string[]) => runCommand('openssl', args, { cwd: folder, check: false });
    const ca = join(folder, 'ca.pem');
    expect(openssl('x509', '-inform', 'DER', '-in', setup.files[0]!, '-out', ca).status).toBe(0);
    expect(
      openssl(
        'req',
        '-new',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-keyout',
        'user.key',
        '-subj',
        '/CN=packed user',
        '-out',
        'user.csr',
      ).status,
    ).toBe(0);
    // A standalone CA leaves requests pending for an officer (exit code 4), who then issues it.
    const pending = runCommand(
      join(folder, 'node_modules', '.bin', 'certexit'),
      ['--dir', './ca', 'submit', 'user.csr'],
      {
        cwd: folder,
        env: userEnv(),
        check: false,
      },
    );
    expect(pending.status, pending.stderr).toBe(4);
    certexit('resubmit', '1', 'user.pem');
    const published = JSON.parse(certexit('--json', 'crl').stdout) as {
      crls: Array<{ isDelta: boolean; files: string[] }>;
    };
    const crl = published.crls.find((c) => !c.isDelta)!.files[0]!;
    const crlText = openssl('crl', '-inform', 'DER', '-in', crl, '-CAfile', ca, '-noout', '-text');
    expect(crlText.stdout + crlText.stderr).toMatch(/verify OK/);
    expect(crlText.stdout).toMatch(/Issuer: CN\s*=\s*Packed CA/);
    const verified = openssl('verify', '-CAfile', ca, 'user.pem');
    expect(verified.stdout + verified.stderr).toContain('user.pem: OK');
  });

  it("a module author's set, core, testing and one sample module and nothing else, runs the conformance kit", () => {
    const vitest = readFileSync(join(REPOSITORY_ROOT, 'pnpm-workspace.yaml'), 'utf8').match(
      /^\s+vitest:\s*(\S+)/m,
    )![1]!;
    const folder = install('module-author', {
      '@certexit/core': tarballOf('@certexit/core'),
      '@certexit/testing': tarballOf('@certexit/testing'),
      '@certexit/exit-inventory': tarballOf('@certexit/exit-inventory'),
      // The author's test runner (the kit itself needs none).
      vitest,
    });
    // The inventory posts its expiry report with the web hook's signer: exit-webhook comes with it.
    expect(installedScope(folder)).toEqual(['core', 'exit-inventory', 'exit-webhook', 'testing']);
    writeFileSync(
      join(folder, 'conformance.test.js'),
      `import { checkExitModule } from '@certexit/testing';
import { createInventoryExitModule } from '@certexit/exit-inventory';
import { expect, it } from 'vitest';

it('the inventory module passes the conformance kit', async () => {
  const report = await checkExitModule({ module: createInventoryExitModule() });
  report.assertOk();
  expect(report.ok).toBe(true);
});
`,
    );
    const run = runCommand(join(folder, 'node_modules', '.bin', 'vitest'), ['run'], {
      cwd: folder,
      env: userEnv(),
      check: false,
    });
    expect(run.status, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toMatch(/1 passed/);
  });
});
