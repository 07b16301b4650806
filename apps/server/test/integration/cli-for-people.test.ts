import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CERTSRV_E_NO_REQUEST, DB_DISP_ISSUED } from '@certexit/core';
import { afterAll, describe, expect, it } from 'vitest';
import { makeTempDir, opensslOk, opensslRequest } from '../../../../tooling/test/test-pki';

const CLI = resolve(import.meta.dirname, '../../dist/cli.js');
const work = makeTempDir('certexit-cli-people-');
afterAll(() => work.remove());

/** The environment of a person's shell: none of the package manager's variables the test runner was started with. */
function shellEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !/^(npm_|INIT_CWD$|PNPM_|CERTEXIT_)/i.test(name)),
  );
  return { ...env, PWD: work.path, ...extra };
}

/** Runs the built binary in the work folder, as a person would type `certexit …` there. */
function certexit(args: readonly string[], env: NodeJS.ProcessEnv = {}) {
  expect(existsSync(CLI), `${CLI} is missing: build first (pnpm build)`).toBe(true);
  const run = spawnSync(process.execPath, [CLI, ...args], {
    cwd: work.path,
    env: shellEnv(env),
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe('the built certexit, run by a person in a folder', { timeout: 120_000 }, () => {
  it('resolves --dir and files against the current folder and prints results, not logs', () => {
    const setup = certexit(['--dir', './myca', 'setup', '--name', 'People Process CA', '--type', 'enterprise-root']);
    expect(setup.status, setup.stderr).toBe(0);
    expect(existsSync(join(work.path, 'myca', 'registry.json'))).toBe(true);
    // Without a directory the CA issues templates whose subject the enrollee supplies: WebServer, and a copy that
    // waits for a CA manager.
    for (const args of [
      ['template', 'copy', 'WebServer', 'PendingWeb'],
      ['template', 'set', 'PendingWeb', 'enrollmentFlags', '+CT_FLAG_PEND_ALL_REQUESTS'],
      ['catemplates', '+WebServer', '+PendingWeb'],
    ]) {
      const edit = certexit(['--dir', './myca', ...args]);
      expect(edit.status, edit.stderr).toBe(0);
    }
    opensslRequest(work.path, 'alice');
    const submit = certexit([
      '--dir',
      './myca',
      'submit',
      '--attrib',
      'CertificateTemplate:WebServer',
      'alice.csr',
      'alice.pem',
    ]);
    expect(submit.status, submit.stderr).toBe(0);
    expect(submit.stdout).toMatch(/^RequestId: 1\nIssued: Issued\n/);
    expect(submit.stdout).toContain(`Certificate written to alice.pem`);
    expect(readFileSync(join(work.path, 'alice.pem'), 'utf8')).toContain('BEGIN CERTIFICATE');
    // No JSON logs, no configuration dump: one warning line, because this enterprise CA has no directory.
    const lines = submit.stderr.split('\n').filter((l) => l !== '');
    expect(lines).toEqual([
      expect.stringMatching(/^warning: CertificateAuthority_MicrosoftDefault\.Exit: .*LdapServers/),
    ]);
  });

  it('prints the JSON logs under CERTEXIT_LOG_LEVEL and --log-level', () => {
    for (const [args, env] of [
      [['--dir', './myca', 'crl'], { CERTEXIT_LOG_LEVEL: 'info' }],
      [['--dir', './myca', '--log-level', 'debug', 'crl'], {}],
    ] as const) {
      const run = certexit(args, env);
      expect(run.status, run.stderr).toBe(0);
      const logs = run.stderr
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => JSON.parse(l) as { msg: string });
      expect(logs.map((l) => l.msg)).toContain('exit module loaded');
    }
  });

  it('with --json, prints the result alone on stdout and an error as one JSON object on stderr', () => {
    const issued = certexit(['--dir', './myca', '--json', 'retrieve', '1']);
    expect(JSON.parse(issued.stdout)).toMatchObject({ requestId: 1, disposition: DB_DISP_ISSUED });
    const missing = certexit(['--dir', './myca', '--json', 'retrieve', '99']);
    expect(missing.status).toBe(1);
    expect(missing.stdout).toBe('');
    const objects = missing.stderr
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(objects.filter((o) => 'error' in o)).toEqual([
      { error: 'CERTSRV_E_NO_REQUEST', hresult: CERTSRV_E_NO_REQUEST >>> 0, message: 'request 99 does not exist' },
    ]);
  });

  it('exits 2 for a denied request, 3 for a failed one and 4 for a pending one', () => {
    opensslRequest(work.path, 'bob');
    expect(certexit(['--dir', './myca', 'submit', 'bob.csr']).status).toBe(2);
    work.write('garbage.csr', 'not a request');
    expect(certexit(['--dir', './myca', 'submit', 'garbage.csr']).status).toBe(3);
    opensslRequest(work.path, 'kra');
    expect(
      certexit(['--dir', './myca', 'submit', '--attrib', 'CertificateTemplate:PendingWeb', 'kra.csr']).status,
    ).toBe(4);
  });

  it('stops quietly when the reader of its output goes away (| head -1)', async () => {
    // The reader closes the pipe before certexit writes: every write fails with EPIPE.
    const child = spawn(process.execPath, [CLI, '--dir', './myca', 'getreg', 'CA'], {
      cwd: work.path,
      env: shellEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    const status = await new Promise<number | null>((done) => child.on('close', done));
    expect(stderr).toBe('');
    expect(status).toBe(0);
    // The CA is fine afterwards.
    expect(opensslOk(['x509', '-in', join(work.path, 'alice.pem'), '-noout', '-subject'])).toContain('alice');
  });

  it('serve always logs JSON (at info unless told otherwise)', async () => {
    const child = spawn(process.execPath, [CLI, '--dir', './myca', 'serve', '--listen', '127.0.0.1:0'], {
      cwd: work.path,
      env: shellEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    const closed = new Promise<number | null>((done) => child.on('close', done));
    const deadline = Date.now() + 30_000;
    while (!stdout.includes('listening on') && Date.now() < deadline && child.exitCode === null)
      await new Promise((r) => setTimeout(r, 100));
    child.kill('SIGTERM');
    expect(await closed).toBe(0);
    expect(stdout).toMatch(/listening on http:\/\/127\.0\.0\.1:\d+/);
    const logs = stderr
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as { msg: string; level: number });
    expect(logs.map((l) => l.msg)).toContain('exit module loaded');
    expect(logs.every((l) => l.level >= 30)).toBe(true);
  });
});
