import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { eventually } from '../../../../tooling/test/eventually';
import { opensslRequest } from '../../../../tooling/test/test-pki';
import { runCli } from '../../src/cli/main';

/**
 * Modules in other languages, registered with the CLI as processes, receive the engine's real events: the same
 * issued-line logic in Python and in POSIX shell reads RequestID, SerialNumber and RawCertificate back through the
 * CA callback and writes what it read. Each process sees only the environment configured for it.
 */
describe('process modules (Python, shell) receive the engine events', () => {
  const examples = fileURLToPath(new URL('../../../../examples/', import.meta.url));
  const work = mkdtempSync(join(tmpdir(), 'certexit-process-'));
  const dir = join(work, 'ca');
  const silent = { debug() {}, info() {}, warn() {}, error() {} };
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  async function json(...args: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(['--dir', dir, '--json', ...args], {
      out: (l) => out.push(l),
      err: (l) => err.push(l),
      logger: silent,
    });
    return { code, value: out.length ? (JSON.parse(out.join('\n')) as Record<string, unknown>) : {}, err };
  }

  it('delivers EXITEVENT_CERTISSUED to both, which read the certificate through callbacks', async () => {
    expect((await json('setup', '--name', 'Process Module CA')).code).toBe(0);
    expect((await json('catemplates', '+WebServer')).code).toBe(0);
    const pythonFile = join(work, 'python.lines');
    const shellFile = join(work, 'shell.lines');
    const registered = await json(
      'module',
      'register',
      'Example_Python.Exit',
      '/usr/bin/env',
      '--process',
      '--arg',
      'python3',
      '--arg',
      join(examples, 'exit-python/exit_module.py'),
      '--env',
      `ISSUED_LINE_FILE=${pythonFile}`,
      '--env',
      'PATH=/usr/bin:/bin',
      '--env',
      'SECRET_FOR_PYTHON=only-python',
    );
    expect(registered.code, registered.err.join()).toBe(0);
    expect(registered.value).toMatchObject({
      process: true,
      environment: ['ISSUED_LINE_FILE', 'PATH', 'SECRET_FOR_PYTHON'],
    });
    expect(JSON.stringify(registered.value)).not.toContain('only-python');
    // Issue 12: "getreg exit\<ProgID>\Environment prints the --env secrets the README says are never printed".
    for (const path of [
      'exit\\Example_Python.Exit\\Environment',
      'exit\\Example_Python.Exit\\Environment\\SECRET_FOR_PYTHON',
      'exit\\Example_Python.Exit',
      'CA',
    ]) {
      const shown = await json('getreg', path);
      expect(shown.code, shown.err.join()).toBe(0);
      expect(JSON.stringify(shown.value)).not.toContain('only-python');
      const lines: string[] = [];
      await runCli(['--dir', dir, 'getreg', path], {
        out: (l) => lines.push(l),
        err: (l) => lines.push(l),
        logger: silent,
      });
      expect(lines.join('\n')).not.toContain('only-python');
    }
    const secret = (await json('getreg', 'exit\\Example_Python.Exit\\Environment\\SECRET_FOR_PYTHON')).value;
    expect(secret).toMatchObject({ name: 'SECRET_FOR_PYTHON', type: 'REG_SZ', hidden: true });
    expect(secret).not.toHaveProperty('value');
    const listed: string[] = [];
    await runCli(['--dir', dir, 'getreg', 'exit\\Example_Python.Exit\\Environment'], {
      out: (l) => listed.push(l),
      err: (l) => listed.push(l),
      logger: silent,
    });
    expect(listed).toContain('  SECRET_FOR_PYTHON REG_SZ = (hidden)');
    // setreg of a secret does not echo it either.
    const set = await json('setreg', 'exit\\Example_Python.Exit\\Environment\\SECRET_FOR_PYTHON', 'only-python');
    expect(JSON.stringify(set.value)).not.toContain('only-python');
    expect(
      (
        await json(
          'module',
          'register',
          'Example_Shell.Exit',
          '/bin/sh',
          '--process',
          '--arg',
          join(examples, 'exit-shell/exit-module.sh'),
          '--env',
          `ISSUED_LINE_FILE=${shellFile}`,
          '--env',
          'PATH=/usr/bin:/bin',
        )
      ).code,
    ).toBe(0);

    const loaded = await json('module', 'list', '--load');
    const modules = loaded.value.modules as Array<{ progId: string; binding: string }>;
    expect(modules.map((m) => m.progId)).toEqual(expect.arrayContaining(['Example_Python.Exit', 'Example_Shell.Exit']));

    const { csr } = opensslRequest(work, 'carol');
    const issued = await json('submit', '--attrib', 'CertificateTemplate:WebServer', csr);
    expect(issued.value.deliveries).toEqual(
      expect.arrayContaining([
        { event: 'EXITEVENT_CERTISSUED', module: 'Example_Python.Exit', hresult: 'S_OK' },
        { event: 'EXITEVENT_CERTISSUED', module: 'Example_Shell.Exit', hresult: 'S_OK' },
      ]),
    );
    const pem = join(work, 'carol.pem');
    expect((await json('retrieve', String(issued.value.requestId), pem)).code).toBe(0);
    const der64 = readFileSync(pem, 'utf8').replace(/-----[A-Z ]+-----|\s/g, '');
    const expected = `issued request=${issued.value.requestId} serial=${issued.value.serialNumber} certificate=${der64}`;
    expect(readFileSync(pythonFile, 'utf8')).toContain(expected);
    expect(readFileSync(shellFile, 'utf8')).toContain(expected);
  });

  // Issue 12: "a process module's child processes survive every kill and the server's shutdown".
  it("ends a process module's whole process group when the engine stops", async () => {
    const marker = `${5000 + Math.floor(Math.random() * 1000)}.${process.pid}`;
    const fixture = fileURLToPath(
      new URL('../../../../packages/automation/test/fixtures/faulty-module.mjs', import.meta.url),
    );
    const registered = await json(
      'module',
      'register',
      'Test_Children.Exit',
      process.execPath,
      '--process',
      '--arg',
      fixture,
      '--env',
      'FAULT=none',
      '--env',
      `CHILDREN=${marker}`,
      '--env',
      'PATH=/usr/bin:/bin',
    );
    expect(registered.code, registered.err.join()).toBe(0);
    const left = () =>
      readdirSync('/proc').filter((p) => {
        try {
          return /^\d+$/.test(p) && readFileSync(`/proc/${p}/cmdline`, 'utf8').split('\0').includes(marker);
        } catch {
          return false;
        }
      });
    // `module list --load` starts every active module (this one starts two helpers of its own) and stops the engine.
    const loaded = await json('module', 'list', '--load');
    expect((loaded.value.modules as Array<{ progId: string }>).map((m) => m.progId)).toContain('Test_Children.Exit');
    await eventually(() => expect(left()).toEqual([]));
    expect((await json('module', 'unregister', 'Test_Children.Exit')).code).toBe(0);
  });

  it('hosts a dispatch-only module through the Automation adapter, which reads the certificate and EventID by name', async () => {
    const out = join(work, 'dispatch.lines');
    process.env.CERTEXIT_DISPATCH_TEST_FILE = out;
    const module = fileURLToPath(new URL('../fixtures/dispatch-only-module.mjs', import.meta.url));
    expect((await json('module', 'register', 'Test_Dispatch.Exit', module)).code).toBe(0);
    const loaded = (await json('module', 'list', '--load')).value.modules as Array<{ progId: string; binding: string }>;
    expect(loaded.find((m) => m.progId === 'Test_Dispatch.Exit')?.binding).toBe('automation');
    const { csr } = opensslRequest(work, 'dave');
    const issued = await json('submit', '--attrib', 'CertificateTemplate:WebServer', csr);
    expect(issued.value.deliveries).toContainEqual({
      event: 'EXITEVENT_CERTISSUED',
      module: 'Test_Dispatch.Exit',
      hresult: 'S_OK',
    });
    expect(readFileSync(out, 'utf8')).toMatch(
      new RegExp(`^${issued.value.requestId} ${issued.value.serialNumber} Process Module CA/\\d+$`, 'm'),
    );
  });
});
