import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { ExitModuleServices, HostedExitModuleV1, ICertExit } from '@certexit/core';
import { createModuleLogger, EXITEVENT_CERTISSUED } from '@certexit/core';
import { checkExitModule, createTestServices } from '@certexit/testing';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createIssuedLineModule } from '../../../../examples/exit-js/issued-line-module.mjs';
import type { OutOfProcessHostedModule, OutOfProcessModuleOptions } from '../../src/index';
import {
  certExitToDispatch,
  dispatchToServerExit,
  hostAutomationModule,
  hostOutOfProcessModule,
  ModuleProcessError,
  serverExitToDispatch,
} from '../../src/index';

const root = resolve(import.meta.dirname, '../../../..');
const dist = join(root, 'packages/automation/dist/index.js');
const PATH = '/usr/local/bin:/usr/bin:/bin';
/** How long an effect after a call may take to show (a process killed, a log record forwarded). */
const WAIT = { timeout: 10_000, interval: 20 };

const modules: Record<string, (file: string) => OutOfProcessModuleOptions> = {
  python: (file) => ({
    command: join(root, 'examples/exit-python/exit_module.py'),
    env: { PATH, ISSUED_LINE_FILE: file },
    source: 'CertExit_IssuedLine_Python.Exit',
  }),
  shell: (file) => ({
    command: '/bin/sh',
    args: [join(root, 'examples/exit-shell/exit-module.sh')],
    env: { PATH, ISSUED_LINE_FILE: file },
    source: 'CertExit_IssuedLine_Shell.Exit',
  }),
  js: (file) => ({
    command: process.execPath,
    args: [join(root, 'examples/exit-js/main.mjs')],
    env: { ISSUED_LINE_FILE: file },
    source: 'CertExit_IssuedLine.Exit',
  }),
};

let dir: string;
const open: OutOfProcessHostedModule[] = [];
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'certexit-oop-'));
  readFileSync(dist); // the JS example imports the built package: `pnpm --filter @certexit/automation build` first
});
afterAll(async () => {
  await Promise.all(open.map((m) => m.close(200)));
  rmSync(dir, { recursive: true, force: true });
});

function host(options: OutOfProcessModuleOptions, services: ExitModuleServices): OutOfProcessHostedModule {
  const hosted = hostOutOfProcessModule({ callTimeoutMs: 5000, ...options }, services);
  open.push(hosted);
  return hosted;
}

/** A hosted module as the ICertExit the conformance kit drives: failed outcomes are thrown. */
function asCertExit(hosted: HostedExitModuleV1): ICertExit {
  const unwrap = async <T>(outcome: Promise<{ ok: true; value: T } | { ok: false; error: Error }>) => {
    const o = await outcome;
    if (!o.ok) throw o.error;
    return o.value;
  };
  return {
    Initialize: (caName) => unwrap(hosted.doInitialize(caName)),
    Notify: async (event, context) => {
      await unwrap(hosted.doNotify(event, context));
    },
    GetDescription: () => unwrap(hosted.doGetDescription()),
  };
}

describe.each(Object.keys(modules))('the %s example module, out of process', (language) => {
  it('passes the conformance kit through the adapter', async () => {
    const file = join(dir, `${language}-conformance.log`);
    const report = await checkExitModule({
      module: (services) => asCertExit(host(modules[language]!(file), services)),
      skip: { 'manage-module': 'the example implements ICertExit only' },
      callTimeoutMs: 10_000,
    });
    report.assertOk();
    expect(readFileSync(file, 'utf8')).toMatch(/^issued request=1 serial=\S+ certificate=MII/m);
  });
});

describe('the same module logic, four ways', () => {
  it('direct, in-process dispatch and out of process (JS, Python, shell) read the same values', async () => {
    const lines: Record<string, string> = {};
    const run = async (name: string, make: (services: ExitModuleServices, file: string) => HostedExitModuleV1) => {
      const file = join(dir, `same-${name}.log`);
      writeFileSync(file, '');
      const hosted = make(createTestServices(), file);
      expect((await hosted.doInitialize('certexit Test CA')).ok).toBe(true);
      const outcome = await hosted.doNotify(EXITEVENT_CERTISSUED, 1);
      expect(outcome.ok, outcome.ok ? '' : outcome.error.message).toBe(true);
      lines[name] = readFileSync(file, 'utf8');
    };
    const { hostDirectModule } = await import('@certexit/direct');
    await run('direct', (services, file) =>
      hostDirectModule(createIssuedLineModule({ outputFile: file }).create(services) as ICertExit),
    );
    await run('dispatch', (services, file) => {
      // Late-bound both ways: the host calls the module through IDispatch, the module reaches the CA through it.
      const lateBound = {
        ...services,
        createServerExit: () => dispatchToServerExit(serverExitToDispatch(services.createServerExit())),
      };
      const exit = createIssuedLineModule({ outputFile: file }).create(lateBound) as ICertExit;
      return hostAutomationModule(certExitToDispatch(exit));
    });
    for (const language of Object.keys(modules)) {
      await run(language, (services, file) => host(modules[language]!(file), services));
    }
    expect(lines.direct).toMatch(/^issued request=1 serial=\S+ certificate=\S+\n$/);
    for (const name of Object.keys(lines)) expect(lines[name], name).toBe(lines.direct);
  });
});

describe('containment', () => {
  const faulty = (fault: string, extra: Partial<OutOfProcessModuleOptions> = {}): OutOfProcessModuleOptions => ({
    command: process.execPath,
    args: [join(root, 'packages/automation/test/fixtures/faulty-module.mjs')],
    env: { FAULT: fault },
    source: `CertExit_Faulty_${fault}.Exit`,
    restart: { initialDelayMs: 20 },
    ...extra,
  });

  it.each([
    ['crash', 'crashed', /exited with code 3 during Notify/, {}],
    ['hang', 'hung', /did not answer Notify within 300 ms/, { callTimeoutMs: 300 }],
    ['flood', 'flooded-output', /wrote more than 65536 bytes within one second/, { maxOutputBytesPerSecond: 65_536 }],
    ['malformed', 'malformed-frame', /sent a line that is not JSON/, {}],
    ['oversized', 'oversized-frame', /sent a frame of more than \d+ bytes \(limit 65536\)/, { maxFrameBytes: 65_536 }],
    ['unknown-dispid', 'unknown-dispid', /invoked DISPID 999 on handle 0/, {}],
  ] as const)('a module that faults with %s is killed, named, and restarted', async (fault, kind, detail, extra) => {
    const services = createTestServices();
    const hosted = host({ ...faulty(fault), ...extra }, services);
    expect((await hosted.doInitialize('certexit Test CA')).ok).toBe(true);
    const firstPid = hosted.pid;
    const outcome = await hosted.doNotify(EXITEVENT_CERTISSUED, 1);
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(ModuleProcessError.isInstance(outcome.error)).toBe(true);
    expect(outcome.error.message).toContain(`[CertExit_Faulty_${fault}.Exit]`);
    expect(outcome.error.message).toMatch(detail);
    expect((outcome.error as ModuleProcessError).fault).toBe(kind);
    expect(hosted.faults.at(-1)?.fault).toBe(kind);
    expect(services.logger.entries.some((e) => e.level === 'error')).toBe(true);
    // The CA goes on: a new process answers, initialized again.
    const description = await hosted.doGetDescription();
    expect(description.ok).toBe(true);
    expect(hosted.pid).not.toBe(firstPid);
    expect(hosted.starts).toBe(2);
  });

  it('backs off between restarts and gives up after maxConsecutiveFaults', async () => {
    const hosted = host(
      faulty('crash', { restart: { initialDelayMs: 10, maxConsecutiveFaults: 2 } }),
      createTestServices(),
    );
    await hosted.doInitialize('certexit Test CA');
    expect((await hosted.doNotify(EXITEVENT_CERTISSUED, 1)).ok).toBe(false);
    expect((await hosted.doNotify(EXITEVENT_CERTISSUED, 1)).ok).toBe(false);
    const third = await hosted.doNotify(EXITEVENT_CERTISSUED, 1);
    expect(third.ok ? '' : third.error.message).toMatch(/given up after 2 faults/);
  });

  it('a module that cannot start is a named fault', async () => {
    const hosted = host(
      { command: join(dir, 'no-such-module'), source: 'CertExit_Missing.Exit' },
      createTestServices(),
    );
    const outcome = await hosted.doInitialize('certexit Test CA');
    expect(outcome.ok ? '' : outcome.error.message).toMatch(/\[CertExit_Missing\.Exit\].*could not be started/);
  });

  // Issue 12: "a process module's child processes survive every kill and the server's shutdown".
  it('kills the whole process group on timeout, after a crash, and on shutdown: no process is left', {
    timeout: 30_000,
  }, async () => {
    const marker = `${4000 + Math.floor(Math.random() * 1000)}.${process.pid}`;
    const left = () =>
      readdirSync('/proc')
        .filter((p) => /^\d+$/.test(p))
        .filter((p) => {
          try {
            return readFileSync(`/proc/${p}/cmdline`, 'utf8').split('\0').includes(marker);
          } catch {
            return false;
          }
        });
    const started = async (hosted: OutOfProcessHostedModule) => {
      expect((await hosted.doInitialize('certexit Test CA')).ok).toBe(true);
      await vi.waitFor(() => expect(left().length).toBeGreaterThanOrEqual(2), WAIT);
    };
    // Timeout: Notify never answers; the host kills the process and what it started.
    const hung = host(
      { ...faulty('hang', { callTimeoutMs: 3_000 }), env: { FAULT: 'hang', CHILDREN: marker } },
      createTestServices(),
    );
    await started(hung);
    expect((await hung.doNotify(EXITEVENT_CERTISSUED, 1)).ok).toBe(false);
    await vi.waitFor(() => expect(left()).toEqual([]), WAIT);
    // Restart: the next call starts a new process (with its children); shutdown ends them all.
    expect((await hung.doGetDescription()).ok).toBe(true);
    await vi.waitFor(() => expect(left().length).toBeGreaterThanOrEqual(2), WAIT);
    await hung.close(200);
    await vi.waitFor(() => expect(left()).toEqual([]), WAIT);
    // A crash of the module leaves its children orphaned: the host kills the group it led.
    const crashing = host({ ...faulty('crash'), env: { FAULT: 'crash', CHILDREN: marker } }, createTestServices());
    await started(crashing);
    expect((await crashing.doNotify(EXITEVENT_CERTISSUED, 1)).ok).toBe(false);
    await vi.waitFor(() => expect(left()).toEqual([]), WAIT);
    await crashing.close(200);
    await vi.waitFor(() => expect(left()).toEqual([]), WAIT);
  });

  // Issue 12: "a process module can forge the host's log fields (level, time, eventId)".
  it("keeps a module's log fields in their own namespace: it cannot forge the host's", async () => {
    const services = createTestServices();
    const captured = services.logger;
    const hosted = host(faulty('log-forge'), {
      ...services,
      logger: createModuleLogger(captured, { module: 'CertExit_Faulty_log-forge.Exit' }),
    });
    await hosted.doInitialize('certexit Test CA');
    expect((await hosted.doNotify(EXITEVENT_CERTISSUED, 1)).ok).toBe(true);
    const entry = await vi.waitFor(() => {
      const found = captured.entries.find((e) => e.msg === 'forged');
      expect(found).toBeDefined();
      return found!;
    }, WAIT);
    expect(entry.level).toBe('error');
    expect(entry.fields).toEqual({
      module: 'CertExit_Faulty_log-forge.Exit',
      fields: {
        level: 60,
        time: 0,
        eventId: 46,
        msg: 'not mine',
        module: 'CertificateAuthority_MicrosoftDefault.Exit',
        pid: hosted.pid,
      },
    });
  });

  it('gives the process only the configured environment', async () => {
    process.env.CERTEXIT_TEST_SECRET = 'hunter2';
    try {
      const hosted = host({ ...faulty('none'), env: { FAULT: 'none', ONLY_THIS: '1' } }, createTestServices());
      const outcome = await hosted.doGetDescription();
      expect(outcome.ok).toBe(true);
      const names = JSON.parse(outcome.ok ? outcome.value : '[]') as string[];
      expect(names).not.toContain('CERTEXIT_TEST_SECRET');
      expect(names).toContain('ONLY_THIS');
      expect(names).not.toContain('PATH');
    } finally {
      delete process.env.CERTEXIT_TEST_SECRET;
    }
  });
});
