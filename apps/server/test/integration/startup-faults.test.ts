import type { ChildProcess } from 'node:child_process';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openCa } from '@certexit/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../../../../tooling/test/eventually';
import type { TestPki } from '../../../../tooling/test/test-pki';
import { createTestPki } from '../../../../tooling/test/test-pki';
import { assertBuiltCli, BUILT_CLI, runBuiltCli, startServe } from '../support/served-ca';

/**
 * Issue 12, Startup and health, with the built CLI as an administrator runs it: fatal start-up errors exit non-zero
 * with one clear line naming the file or port and the cause (and nothing is left running); `/healthz` answers
 * unhealthy while the registry cannot be read; a closed output pipe ends the CLI quietly.
 */
describe('start-up faults and health', () => {
  const work = mkdtempSync(join(tmpdir(), 'certexit-startup-'));
  const dir = join(work, 'ca');
  const children: ChildProcess[] = [];
  let pki: TestPki;
  let otherPki: TestPki;
  const run = (args: string[], options: { uid?: number; gid?: number } = {}) =>
    spawnSync(process.execPath, [BUILT_CLI, '--dir', dir, ...args], { encoding: 'utf8', timeout: 30_000, ...options });

  beforeAll(() => {
    assertBuiltCli();
    runBuiltCli(dir, 'setup', '--name', 'Startup CA');
    pki = createTestPki();
    otherPki = createTestPki();
  }, 60_000);

  afterAll(() => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    pki?.remove();
    otherPki?.remove();
    rmSync(work, { recursive: true, force: true });
  });

  /** A start-up that must fail: exit code 1 within the timeout (no hang), stderr one line. */
  const fails = (result: ReturnType<typeof run>) => {
    expect(result.signal, 'the command hung').toBeNull();
    expect(result.status).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines, result.stderr).toHaveLength(1);
    return lines[0]!;
  };

  it('exits with one line naming both files when the TLS certificate and key do not match', () => {
    const line = fails(
      run(['serve', '--listen', '127.0.0.1:0', '--tls-cert', pki.files.cert, '--tls-key', otherPki.files.key]),
    );
    expect(line).toBe(
      `certexit: --tls-cert ${pki.files.cert} and --tls-key ${otherPki.files.key} do not belong together: the key is not the certificate's (key values mismatch)`,
    );
  });

  it('exits with one line naming the port when it is in use', async () => {
    const taken = createServer();
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r));
    const port = (taken.address() as { port: number }).port;
    try {
      const line = fails(run(['serve', '--listen', `127.0.0.1:${port}`]));
      expect(line).toBe(
        `certexit: cannot listen on 127.0.0.1:${port}: the port is in use (another server listens on it)`,
      );
    } finally {
      taken.close();
    }
  });

  it('exits with one line naming the folder and the cause when the database cannot be read by the service user', () => {
    if (process.getuid?.() !== 0)
      throw new Error('this test runs the CLI as another user and needs root (CI runs as root)');
    // The service started as the wrong user (nobody): the folder is the CA owner's alone (0700).
    chmodSync(work, 0o711);
    const line = fails(run(['serve', '--listen', '127.0.0.1:0'], { uid: 65534, gid: 65534 }));
    expect(line).toMatch(
      new RegExp(
        `^certexit: cannot open the CA folder ${dir}: permission denied \\(owner uid 0, mode 0700; this process runs as uid 65534\\)$`,
      ),
    );
    // Given the folder but not the database (a bad restore: root-owned 0600 file in a folder the service owns).
    const shared = join(work, 'shared');
    mkdirSync(shared);
    execFileSync('cp', ['-a', `${dir}/.`, shared]);
    chownSync(shared, 65534, 65534);
    for (const file of ['registry.json', 'templates.json']) chownSync(join(shared, file), 65534, 65534);
    chmodSync(join(shared, 'certexit.db'), 0o600);
    const db = spawnSync(process.execPath, [BUILT_CLI, '--dir', shared, 'view'], {
      encoding: 'utf8',
      uid: 65534,
      gid: 65534,
      timeout: 30_000,
    });
    expect(db.status).toBe(1);
    expect(db.stderr.trim().split('\n')).toHaveLength(1);
    expect(db.stderr).toMatch(
      new RegExp(
        `the CA database cannot be written in ${shared}/certexit\\.db: permission denied: the CA needs to read and write its database \\(owner uid 0, mode 0600, this process runs as uid 65534\\)`,
      ),
    );
  });

  it('exits with one line when the database is on a read-only mount', () => {
    if (process.getuid?.() !== 0) throw new Error('this test mounts a file system and needs root (CI runs as root)');
    const mount = join(work, 'ro');
    mkdirSync(mount);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=8m,mode=0700', 'tmpfs', mount]);
    try {
      execFileSync('cp', ['-a', `${dir}/.`, mount]);
      execFileSync('mount', ['-o', 'remount,ro', mount]);
      const result = spawnSync(process.execPath, [BUILT_CLI, '--dir', mount, 'serve', '--listen', '127.0.0.1:0'], {
        encoding: 'utf8',
        timeout: 30_000,
      });
      expect(result.status).toBe(1);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr).toMatch(new RegExp(`${mount}/certexit\\.db.*read-only file system`));
    } finally {
      execFileSync('umount', [mount]);
    }
  });

  it('answers /healthz unhealthy while the registry cannot be read, and healthy again once it is restored', async () => {
    const { child, url } = await startServe({ dir, args: ['--log-level', 'silent'], children });
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    copyFileSync(join(dir, 'registry.json'), join(work, 'registry.good'));
    writeFileSync(join(dir, 'registry.json'), '{ "SYSTEM": ');
    const sick = await fetch(`${url}/healthz`);
    expect(sick.status).toBe(503);
    expect(((await sick.json()) as { message: string }).message).toMatch(/the CA registry cannot be read/);
    // An API call says the same, without the inside.
    const api = await fetch(`${url}/v1/ca`, { headers: { authorization: 'Bearer cxt_x' } });
    expect(api.status).toBe(503);
    copyFileSync(join(work, 'registry.good'), join(dir, 'registry.json'));
    await eventually(async () => expect((await fetch(`${url}/healthz`)).status).toBe(200));
    child.kill('SIGTERM');
  }, 60_000);

  it('ends quietly when the reader of its output goes away (certexit view | head -1)', async () => {
    const ca = await openCa(dir);
    try {
      await ca.store.transaction(async (tx) => {
        for (let i = 0; i < 3000; i++) {
          await tx.insertRequest({
            RequestType: 0x100,
            RequestFlags: 0,
            StatusCode: 0,
            Disposition: 31,
            SubmittedWhen: new Date(),
            requestName: {},
            system: {},
          });
        }
      });
    } finally {
      await ca.store.close();
    }
    const piped = spawnSync(
      '/bin/sh',
      ['-c', `"${process.execPath}" "${BUILT_CLI}" --dir "${dir}" view --limit 3000 | head -1`],
      {
        encoding: 'utf8',
        timeout: 60_000,
      },
    );
    expect(piped.stdout).toBe('Row 1:\n');
    // Only one-line warnings on stderr: no EPIPE, no stack trace.
    expect(piped.stderr).not.toMatch(/EPIPE|\n\s+at /);
    const stderrLines = piped.stderr.split('\n').filter(Boolean);
    expect(
      stderrLines.filter((l) => !l.startsWith('warning: ')),
      piped.stderr,
    ).toEqual([]);
  }, 90_000);
});
