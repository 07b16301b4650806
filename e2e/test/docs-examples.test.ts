// The examples a new user pastes, run as pasted: the README's quick start, and the HTTP API example of
// docs/http-api.md against a real `certexit serve` over HTTPS (curl trusting the CA the example set up; TLS is
// never turned off). Each block is taken from the document between its `<!-- example:<name> -->` marker and the
// end of the code block that follows; only the port (a free one) and the pasted token are filled in.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPOSITORY_ROOT } from '../src/repository-root';
import { runCommand } from '../src/run-command';

const work = mkdtempSync(join(tmpdir(), 'certexit-docs-examples-'));
const bin = join(work, 'bin');
mkdirSync(bin);
symlinkSync(join(REPOSITORY_ROOT, 'bin/certexit'), join(bin, 'certexit'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The shell lines of the code block after `<!-- example:<name> -->` in a document of the repository. */
function example(document: string, name: string): string {
  const text = readFileSync(join(REPOSITORY_ROOT, document), 'utf8');
  const marker = text.indexOf(`<!-- example:${name} -->`);
  expect(marker, `${document} has no <!-- example:${name} --> block`).toBeGreaterThan(-1);
  const block = /```sh\n([\s\S]*?)```/.exec(text.slice(marker));
  expect(block, `a sh code block after example:${name}`).not.toBeNull();
  return block![1]!;
}

/** A person's shell in `cwd`: certexit on PATH (bin/certexit, as the README links it), no package-manager state. */
function shellEnv(cwd: string): NodeJS.ProcessEnv {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([n]) => !/^(npm_|INIT_CWD$|PNPM_|CERTEXIT_|NODE_OPTIONS$)/i.test(n)),
  );
  return { ...env, PATH: `${bin}:/usr/local/bin:/usr/bin:/bin`, PWD: cwd };
}

function sh(script: string, cwd: string, options: { exitOnError?: boolean } = {}) {
  const run = runCommand('sh', [...(options.exitOnError ? ['-e'] : []), '-c', script], {
    cwd,
    env: shellEnv(cwd),
    check: false,
    timeoutMs: 180_000,
  });
  return { ...run, output: `${run.stdout}${run.stderr}` };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

describe('the examples of the README and docs, as pasted', () => {
  it("README quick start: a CA, a request, an officer's approval and a CRL that OpenSSL checks", () => {
    expect(existsSync(join(REPOSITORY_ROOT, 'apps/server/dist/cli.js')), 'build first: npm run build:cli').toBe(true);
    const folder = join(work, 'quick-start');
    mkdirSync(folder);
    const run = sh(example('README.md', 'quick-start'), folder);
    expect(run.status, run.output).toBe(0);
    expect(run.stdout).toMatch(/Pending: Taken Under Submission/);
    expect(run.stdout).toMatch(/Issued: Resubmitted by/);
    const caPem = join(folder, 'ca.pem');
    runCommand(
      'openssl',
      ['x509', '-inform', 'DER', '-in', join(folder, 'myca/CertEnroll/localhost_My Root CA.crt'), '-out', caPem],
      {
        cwd: folder,
      },
    );
    const crl = join(folder, 'myca/CertEnroll/My Root CA.crl');
    const verified = runCommand(
      'openssl',
      ['verify', '-crl_check', '-CAfile', caPem, '-CRLfile', crl, join(folder, 'me.pem')],
      { cwd: folder, check: false },
    );
    expect(`${verified.stdout}${verified.stderr}`).toContain('me.pem: OK');
  });

  it('docs/http-api.md: serve over HTTPS in one terminal, submit and fetch with curl in another', async () => {
    const folder = join(work, 'http');
    mkdirSync(folder);
    const port = String(await freePort());
    const serveLines = example('docs/http-api.md', 'serve').replaceAll('8443', port).trimEnd().split('\n');
    const serveLine = serveLines.pop()!;
    expect(serveLine).toMatch(/^certexit .*serve /);

    // Everything before `serve`, as pasted.
    const setup = sh(serveLines.join('\n'), folder, { exitOnError: true });
    expect(setup.status, setup.output).toBe(0);
    const token = /^(cxt_[A-Za-z0-9_-]+)$/m.exec(setup.stdout)?.[1];
    expect(token, 'caller add printed the token').toBeDefined();

    // `serve`, in the other terminal, until we stop it.
    const server = spawn('sh', ['-c', `exec ${serveLine}`], { cwd: folder, env: shellEnv(folder) });
    let served = '';
    server.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      served += chunk;
    });
    server.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      served += chunk;
    });
    const exited = new Promise<number | null>((resolve) => server.on('exit', resolve));
    try {
      const deadline = Date.now() + 60_000;
      while (!served.includes('listening on') && Date.now() < deadline && server.exitCode === null)
        await new Promise((r) => setTimeout(r, 100));
      expect(served, 'serve started').toContain(`listening on https://127.0.0.1:${port}`);

      const client = example('docs/http-api.md', 'client')
        .replaceAll('8443', port)
        .replace(/^TOKEN=.*$/m, `TOKEN=${token}`);
      const run = sh(client, folder, { exitOnError: true });
      expect(run.status, `${run.output}\n--- serve:\n${served}`).toBe(0);
      expect(run.stdout).toMatch(/"disposition":20/);
      expect(run.output).toContain('alice.pem: OK');
      expect(readFileSync(join(folder, 'alice.pem'), 'utf8')).toContain('BEGIN CERTIFICATE');
    } finally {
      server.kill('SIGTERM');
      await exited;
    }
  });
});
