// The module author's guide, followed literally on a scratch copy of the repository: every `sh` block of
// docs/writing-an-exit-module.md runs in one shell session, in order, and every `file=` block is written whole,
// as a reader would type and paste them (only `not-run` blocks are left out). The module it builds must work first
// time: generated, tested against the kit, built, linted, registered with a real certexit CA, notified of an
// issuance and a revocation; the Python module of the guide too, through the Automation adapter.
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { guideScript, guideSteps } from '../src/guide-steps';
import { REPOSITORY_ROOT } from '../src/repository-root';
import { credentialFreeEnv, runCommand } from '../src/run-command';
import type { ScratchRepository } from '../src/scratch-repository';
import { createScratchRepository } from '../src/scratch-repository';

const GUIDE = join(REPOSITORY_ROOT, 'docs', 'writing-an-exit-module.md');

let scratch: ScratchRepository;
let shims: string;

beforeAll(() => {
  for (const built of ['apps/server/dist/cli.js', 'packages/core/dist/index.js', 'packages/testing/dist/index.js']) {
    expect(existsSync(join(REPOSITORY_ROOT, built)), `${built} is missing: build first (pnpm build)`).toBe(true);
  }
  scratch = createScratchRepository(REPOSITORY_ROOT, 'certexit-guide-');
  // The reader's `pnpm` is the pinned one (scripts/lib/pnpm.sh), installing from the checkout's store.
  shims = mkdtempSync(join(tmpdir(), 'certexit-guide-bin-'));
  writeFileSync(
    join(shims, 'pnpm'),
    [
      '#!/bin/sh',
      'PATH="$CERTEXIT_GUIDE_PATH"; export PATH',
      'here=$PWD',
      'cd "$CERTEXIT_GUIDE_ROOT" && . scripts/lib/pnpm.sh',
      'cd "$here" && pnpm_cmd "$@"',
      '',
    ].join('\n'),
  );
  chmodSync(join(shims, 'pnpm'), 0o755);
});

afterAll(() => {
  scratch?.remove();
  if (shims) rmSync(shims, { recursive: true, force: true });
});

describe('docs/writing-an-exit-module.md, followed literally', () => {
  it('gives a module that works first time, in TypeScript and in Python', { timeout: 1_500_000 }, () => {
    const steps = guideSteps(readFileSync(GUIDE, 'utf8'));
    // The guide's own promises: the generator, the kit, a CA, the Python module.
    const commands = steps.flatMap((s) => (s.kind === 'sh' ? [s.code] : [])).join('\n');
    for (const expected of [
      'pnpm new:module cert-log',
      'pnpm --filter @certexit/exit-cert-log test',
      'pnpm --filter @certexit/exit-cert-log build',
      'module register CertExit_CertLog.Exit',
      'submit --attrib CertificateTemplate:WebServer',
      'module register CertExit_CertLog_Python.Exit /usr/bin/env --process',
    ])
      expect(commands).toContain(expected);

    const path = process.env.PATH ?? '/usr/bin:/bin';
    const run = runCommand('sh', ['-c', guideScript(steps)], {
      cwd: scratch.dir,
      check: false,
      timeoutMs: 1_400_000,
      env: credentialFreeEnv({
        PATH: `${shims}:${path}`,
        CERTEXIT_GUIDE_PATH: path,
        CERTEXIT_GUIDE_ROOT: scratch.dir,
        npm_config_store_dir: scratch.storeDir,
        // `pnpm install` after `new:module` adds the new package to the lockfile, as on a developer's machine.
        npm_config_frozen_lockfile: 'false',
        npm_config_prefer_offline: 'true',
        NO_COLOR: '1',
      }),
    });
    const tail = (text: string) => text.split('\n').slice(-60).join('\n');
    expect(run.status, `${tail(run.stdout)}\n${tail(run.stderr)}`).toBe(0);
    const file = (rel: string) => readFileSync(join(scratch.dir, rel), 'utf8');

    // The generated module was written with the typed layer and renamed throughout.
    expect(file('packages/exit-cert-log/package.json')).toContain('"name": "@certexit/exit-cert-log"');
    expect(run.stdout).toMatch(
      /Created packages\/exit-cert-log \(@certexit\/exit-cert-log, ProgID CertExit_CertLog\.Exit/,
    );
    // Its tests ran twice, passing: the generated ones, then the guide's three (the kit, the lines, the missing value).
    const plain = stripVTControlCharacters(run.stdout);
    const runs = [...plain.matchAll(/Tests\s+(\d+) (passed|failed)[^\n]*/g)].map((m) => m[0]);
    expect(runs).toHaveLength(2);
    expect(runs[0]).toMatch(/^Tests\s+\d+ passed \(\d+\)$/);
    expect(runs[1]).toMatch(/^Tests\s+3 passed \(3\)$/);

    // On the CA: the issued certificate, then its revocation, each once, with the serial OpenSSL reads.
    const serial = execFileSync(
      'openssl',
      ['x509', '-in', join(scratch.dir, '.tmp/guide/www.pem'), '-noout', '-serial'],
      {
        encoding: 'utf8',
      },
    )
      .trim()
      .replace(/^serial=/, '')
      .toLowerCase();
    const lines = file('.tmp/guide/cert.log').trimEnd().split('\n');
    // The third line is the issuance of §9, which it is notified of too.
    expect(lines).toHaveLength(3);
    const [issuedLine, revokedLine] = lines;
    const requestId = /^issued request=(\d+) /.exec(issuedLine!)?.[1];
    expect(issuedLine).toMatch(new RegExp(`^issued request=${requestId} serial=${serial} requester=\\S+$`));
    expect(revokedLine).toBe(`revoked request=${requestId} serial=${serial} reason=1`);
    // The module file is private to the CA's account.
    expect(
      execFileSync('stat', ['-c', '%a', join(scratch.dir, '.tmp/guide/cert.log')], { encoding: 'utf8' }).trim(),
    ).toBe('600');

    // The Python module, a process of its own, got the next issuance (and so did the TypeScript one).
    const python = file('.tmp/guide/cert-py.log').trimEnd().split('\n');
    expect(python).toEqual([expect.stringMatching(/^issued request=(\d+) serial=[0-9a-f]+ requester=\S+$/)]);
    const pythonRequest = /request=(\d+)/.exec(python[0]!)?.[1];
    expect(Number(pythonRequest)).toBeGreaterThan(Number(requestId));
    expect(lines[2]).toMatch(new RegExp(`^issued request=${pythonRequest} `));

    // The tarball holds the build, the sources, the README; no tests.
    const listing = run.stdout.split('\n').filter((l) => l.startsWith('package/'));
    expect(listing).toEqual(
      expect.arrayContaining(['package/dist/index.js', 'package/dist/index.d.ts', 'package/README.md']),
    );
    expect(listing.filter((l) => l.includes('.test.'))).toEqual([]);
  });
});
