import { CERTSRV_E_NO_REQUEST, DB_DISP_DENIED, DB_DISP_ERROR, DB_DISP_ISSUED, DB_DISP_PENDING } from '@certexit/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, opensslRequest } from '../../../../tooling/test/test-pki';
import { CLI_EXIT_CODES } from './cli-exit-codes';
import { runCli } from './main';

const work = makeTempDir('certexit-cli-people-');
const dir = work.file('ca');

/** Runs the CLI in process as a person would (no test logger: the CLI picks its own), capturing both streams. */
async function run(...args: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(['--dir', dir, ...args], { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out, err };
}

beforeAll(async () => {
  // An enterprise CA with no directory configured: the default module warns that it cannot publish.
  expect((await run('setup', '--name', 'People CA', '--type', 'enterprise-root')).code).toBe(0);
  // Without a directory the CA issues templates whose subject the enrollee supplies: WebServer, and a copy that
  // waits for a CA manager.
  expect((await run('template', 'copy', 'WebServer', 'PendingWeb')).code).toBe(0);
  expect((await run('template', 'set', 'PendingWeb', 'enrollmentFlags', '+CT_FLAG_PEND_ALL_REQUESTS')).code).toBe(0);
  expect((await run('catemplates', '+WebServer', '+PendingWeb')).code).toBe(0);
});
afterAll(() => work.remove());

describe('one-shot commands print for people', () => {
  it('prints the result as text and each warning as one short line, with no JSON log lines', async () => {
    const { csr } = opensslRequest(work.path, 'people');
    const { code, out, err } = await run('submit', '--attrib', 'CertificateTemplate:WebServer', csr);
    expect(code).toBe(CLI_EXIT_CODES.OK);
    expect(out[0]).toMatch(/^RequestId: \d+$/);
    expect(out.join('\n')).toContain('Issued');
    expect(err.filter((l) => l.trimStart().startsWith('{'))).toEqual([]);
    expect(err.join('\n')).not.toMatch(/configuration loaded|publishCertFlags/);
    const warnings = err.filter((l) => l.startsWith('warning: '));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^warning: CertificateAuthority_MicrosoftDefault\.Exit: .*no LdapServers/);
    expect(warnings[0]).not.toContain('\n');
  });

  it('prints JSON log lines at the level --log-level asks for', async () => {
    const { code, err } = await run('--log-level', 'info', 'crl');
    expect(code).toBe(0);
    const logs = err.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { msg: string; level: number });
    expect(logs.map((l) => l.msg)).toContain('exit module loaded');
    expect((await run('--log-level', 'loud', 'crl')).err.join()).toMatch(/--log-level.*loud.*trace, debug/);
  });

  it('makes errors one JSON object with --json: error, hresult, message', async () => {
    const missing = await run('--json', 'retrieve', '999');
    expect(missing.code).toBe(CLI_EXIT_CODES.ERROR);
    expect(missing.out).toEqual([]);
    // Every line on stderr is JSON (the default module's warning too): the error is the one with `error`.
    const objects = missing.err.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(objects.filter((o) => 'error' in o)).toHaveLength(1);
    expect(objects.find((o) => 'error' in o)).toEqual({
      error: 'CERTSRV_E_NO_REQUEST',
      hresult: CERTSRV_E_NO_REQUEST >>> 0,
      message: 'request 999 does not exist',
    });
    // An error with no HRESULT, and one of the command line itself.
    const noFile = await run('--json', 'submit', work.file('nothing-here.csr'));
    expect(JSON.parse(noFile.err.join('\n'))).toMatchObject({
      error: 'ENOENT',
      message: expect.stringMatching(/nothing-here\.csr/),
    });
    const usage = await run('--json', 'sbumit');
    expect(usage.code).toBe(CLI_EXIT_CODES.ERROR);
    expect(JSON.parse(usage.err.join('\n'))).toMatchObject({
      error: 'usage',
      message: expect.stringMatching(/sbumit/),
    });
    // Without --json the same error is one line of text.
    expect((await run('retrieve', '999')).err.filter((l) => !l.startsWith('warning: '))).toEqual([
      'certexit: request 999 does not exist (CERTSRV_E_NO_REQUEST)',
    ]);
  });
});

describe('submit exits with the outcome of the request', () => {
  it('0 issued, 2 denied, 3 failed, 4 pending (also in --json mode), as docs/cli.md says', async () => {
    const cases: Array<[string[], number, number]> = [
      [['--attrib', 'CertificateTemplate:WebServer', opensslRequest(work.path, 'issued').csr], DB_DISP_ISSUED, 0],
      [[opensslRequest(work.path, 'no-template').csr], DB_DISP_DENIED, 2],
      [[work.write('garbage.csr', 'this is not a request')], DB_DISP_ERROR, 3],
      [['--attrib', 'CertificateTemplate:PendingWeb', opensslRequest(work.path, 'kra').csr], DB_DISP_PENDING, 4],
    ];
    for (const [args, disposition, exitCode] of cases) {
      const text = await run('submit', ...args);
      expect(text.code, `${disposition}: ${text.out.join(' ')}`).toBe(exitCode);
      const json = await run('--json', 'submit', ...args);
      expect(json.code).toBe(exitCode);
      expect(JSON.parse(json.out.join('\n'))).toMatchObject({ disposition });
    }
    expect(CLI_EXIT_CODES).toMatchObject({ OK: 0, ERROR: 1, DENIED: 2, FAILED: 3, PENDING: 4 });
  });

  it('retrieve and resubmit report the request the same way; deny exits 0 when it denied', async () => {
    const kra = opensslRequest(work.path, 'kra2').csr;
    const pending = await run('--json', 'submit', '--attrib', 'CertificateTemplate:PendingWeb', kra);
    const id = String((JSON.parse(pending.out.join('')) as { requestId: number }).requestId);
    expect((await run('retrieve', id)).code).toBe(CLI_EXIT_CODES.PENDING);
    expect((await run('deny', id)).code).toBe(CLI_EXIT_CODES.OK);
    expect((await run('retrieve', id)).code).toBe(CLI_EXIT_CODES.DENIED);
    const again = await run('--json', 'submit', '--attrib', 'CertificateTemplate:PendingWeb', kra);
    const second = String((JSON.parse(again.out.join('')) as { requestId: number }).requestId);
    expect((await run('resubmit', second)).code).toBe(CLI_EXIT_CODES.OK);
    expect((await run('retrieve', second)).code).toBe(CLI_EXIT_CODES.OK);
  });
});
