import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../../../tooling/test/test-pki';
import { invocationFolder } from './invocation-folder';

const tmp = makeTempDir('certexit-invocation-');
const workspace = tmp.file('repo');
const pkg = join(workspace, 'apps', 'server');
const user = tmp.file('user');
mkdirSync(pkg, { recursive: true });
mkdirSync(user);
writeFileSync(join(workspace, 'pnpm-workspace.yaml'), 'packages: [apps/*]\n');
afterAll(() => tmp.remove());

describe('invocationFolder', () => {
  it('is the current folder when no package manager started certexit', () => {
    expect(invocationFolder(pkg, { INIT_CWD: user, PWD: user }, pkg)).toBe(pkg);
    expect(invocationFolder(pkg, {}, user)).toBe(user);
  });

  it('is where the user was when pnpm exec or a script ran certexit in its own package folder', () => {
    // pnpm --filter certexit exec: cwd is the package, PWD still the shell's folder, no INIT_CWD.
    expect(invocationFolder(pkg, { npm_command: 'exec', PWD: user }, pkg)).toBe(user);
    // npm/pnpm run: INIT_CWD names the folder the script was started from.
    expect(invocationFolder(pkg, { npm_lifecycle_event: 'certexit', INIT_CWD: user, PWD: pkg }, pkg)).toBe(user);
    // A root script runs in the workspace root.
    expect(invocationFolder(pkg, { npm_lifecycle_event: 'certexit', INIT_CWD: user }, workspace)).toBe(user);
  });

  it('keeps the current folder when a script changed to another folder on purpose', () => {
    // `npm run deploy` whose script does `cd /srv && certexit --dir ./ca …`: /srv is meant.
    expect(invocationFolder(pkg, { npm_lifecycle_event: 'deploy', INIT_CWD: user }, tmp.path)).toBe(tmp.path);
    // A folder that no longer exists is not used.
    expect(invocationFolder(pkg, { npm_command: 'exec', PWD: join(user, 'gone') }, pkg)).toBe(pkg);
  });
});
