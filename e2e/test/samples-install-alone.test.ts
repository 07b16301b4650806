// Each sample module installs alone from its packed tarball, with only its dependencies (`@certexit/core`), into an
// empty project, offline, and passes the conformance kit there (`@certexit/testing`, packed too): what a user gets
// from `npm install @certexit/exit-<name>`. The checkout is only read; build it first.
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPOSITORY_ROOT } from '../src/repository-root';
import { credentialFreeEnv, runCommand, runPnpm } from '../src/run-command';

/** The samples, each with the configuration the kit runs it with (`{dir}` is a scratch folder). */
const SAMPLES: Record<string, { config: Record<string, unknown>; options?: string }> = {
  '@certexit/exit-sample': {
    config: { PublishCertFlags: 1 },
    options: "{ certEnrollDirectory: join(dir, 'CertEnroll') }",
  },
  '@certexit/exit-command': { config: { Program: '/bin/true' } },
  '@certexit/exit-inventory': { config: { OutputFile: '{dir}/inventory.jsonl' } },
};
const SUPPORT = ['@certexit/core', '@certexit/testing'];

let work: string;
const tarballs = new Map<string, string>();

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'certexit-install-alone-'));
  const packed = join(work, 'tarballs');
  mkdirSync(packed);
  for (const name of [...SUPPORT, ...Object.keys(SAMPLES)]) {
    const before = new Set(readdirSync(packed));
    runPnpm(['--filter', name, 'pack', '--pack-destination', packed], { cwd: REPOSITORY_ROOT });
    const made = readdirSync(packed).filter((f) => !before.has(f));
    expect(made, `pnpm pack of ${name}`).toHaveLength(1);
    tarballs.set(name, join(packed, made[0]!));
  }
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('each sample installs alone from its packed tarball', () => {
  it.each(Object.keys(SAMPLES))('%s: installed offline with core only, it passes the conformance kit', (name) => {
    const { config, options } = SAMPLES[name]!;
    const project = join(work, name.replace('@certexit/', ''));
    mkdirSync(project);
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
    runCommand(
      'npm',
      ['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', ...SUPPORT, name].map((arg) =>
        tarballs.has(arg) ? tarballs.get(arg)! : arg,
      ),
      { cwd: project, env: credentialFreeEnv({ npm_config_cache: join(work, 'npm-cache') }) },
    );
    const installed = readdirSync(join(project, 'node_modules', '@certexit')).sort();
    expect(installed).toEqual(['core', 'testing', name.replace('@certexit/', '')].sort());

    writeFileSync(
      join(project, 'check.mjs'),
      [
        "import { mkdtempSync } from 'node:fs';",
        "import { tmpdir } from 'node:os';",
        "import { join } from 'node:path';",
        "import { checkExitModule } from '@certexit/testing';",
        `import create from '${name}';`,
        "const dir = mkdtempSync(join(tmpdir(), 'kit-'));",
        `const config = JSON.parse(${JSON.stringify(JSON.stringify(config))}.replaceAll('{dir}', dir));`,
        `const factory = create(${options ?? ''});`,
        'const report = await checkExitModule({ module: factory, config });',
        'console.log(JSON.stringify({ progId: factory.progId, version: factory.version, ok: report.ok, results: report.results }));',
      ].join('\n'),
    );
    const run = runCommand(process.execPath, ['check.mjs'], { cwd: project, check: false });
    expect(run.status, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as {
      progId: string;
      version: string;
      ok: boolean;
      results: Array<{ check: string; status: string; message?: string }>;
    };
    expect(report.results.filter((r) => r.status === 'failed')).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.progId).toMatch(/\.Exit$/);
    // The version is the package's, put in at build time.
    expect(report.version).toMatch(/^\d+\.\d+\.\d+/);
  });
});
