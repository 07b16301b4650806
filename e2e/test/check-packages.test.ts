// scripts/check-packages.mjs holds every package to the root package.json's Node.js range and repository: the one
// place each is named (contributing/releasing.md, "When the repository moves").
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { REPOSITORY_ROOT } from '../src/repository-root';
import { runCommand } from '../src/run-command';
import { copyWorkingTree } from '../src/scratch-repository';

let copy: string;
beforeEach(() => {
  copy = copyWorkingTree(REPOSITORY_ROOT, 'certexit-check-packages-');
});
afterEach(() => rmSync(copy, { recursive: true, force: true }));

interface Manifest {
  engines?: { node?: string };
  repository: { url: string };
}

function edit(path: string, change: (pkg: Manifest) => void) {
  const pkg = JSON.parse(readFileSync(join(copy, path), 'utf8')) as Manifest;
  change(pkg);
  writeFileSync(join(copy, path), `${JSON.stringify(pkg, null, 2)}\n`);
}

function check() {
  return runCommand(process.execPath, [join(copy, 'scripts/check-packages.mjs')], {
    cwd: copy,
    env: { ...process.env, CERTEXIT_CHECK_ROOT: copy },
    check: false,
  });
}

describe('scripts/check-packages.mjs', () => {
  it('passes on the working tree', () => {
    const run = check();
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  });

  it('names every package whose engines.node differs from the root package.json', () => {
    edit('packages/core/package.json', (pkg) => {
      pkg.engines = { node: '>=20' };
    });
    edit('e2e/package.json', (pkg) => {
      delete pkg.engines;
    });
    const run = check();
    expect(run.status).toBe(1);
    const range = (JSON.parse(readFileSync(join(copy, 'package.json'), 'utf8')) as Manifest).engines?.node;
    expect(run.stderr).toContain(`packages/core: engines.node must be "${range}", as in the root package.json`);
    expect(run.stderr).toContain(`e2e: engines.node must be "${range}", as in the root package.json`);
  });

  it('names every public package whose repository.url is not the root one, after the repository moves', () => {
    edit('package.json', (pkg) => {
      pkg.repository.url = 'git+https://github.com/example/moved.git';
    });
    const run = check();
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(
      'packages/core: repository.url must be "git+https://github.com/example/moved.git", as in the root package.json',
    );
    expect(run.stderr).not.toContain('packages/exit-template: repository.url'); // private
  });

  it('names a public package whose README does not link to the repository', () => {
    const readme = join(copy, 'packages/x509/README.md');
    writeFileSync(readme, readFileSync(readme, 'utf8').replaceAll('https://github.com/certexit/certexit', 'elsewhere'));
    const run = check();
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('packages/x509: README.md needs a link to https://github.com/certexit/certexit');
  });
});
