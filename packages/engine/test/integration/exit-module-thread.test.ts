import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { formatHResult, HRESULT_RPC_CALL_FAILED } from '@certexit/core';
import { createCapturingLogger } from '@certexit/testing';
import { createCertificationRequest, generateKeyPair, toPem } from '@certexit/x509';
import { afterAll, describe, expect, it } from 'vitest';
import { eventually } from '../../../../tooling/test/eventually';
import { caRegistryPaths } from '../../src/ca/ca-configuration-paths';
import { RegistryFile } from '../../src/registry/registry-file';
import type { TestStore } from '../support/test-stores';
import { SQLITE_STORE, storeOption, TEST_STORES } from '../support/test-stores';

const DIST = resolve(import.meta.dirname, '../../dist/index.js');
const MODULES = ['Thread_Good.Exit', 'Thread_Spin.Exit', 'Thread_Leak.Exit'];
const THREAD_MODULES = pathToFileURL(resolve(import.meta.dirname, '../support/thread-fault-modules.mjs')).href;

/**
 * The exit-module thread of the built engine (the worker runs the bundle, so this imports it too): modules that
 * spin for ever or leak memory end the thread, not the CA. The watchdog names the module, the thread starts again,
 * the poison notification is dead-lettered after MaxAttempts, issuance never waits, and every other notification
 * reaches every module.
 */
/** A standalone CA whose three exit modules run on the exit-module thread, opened with background delivery. */
async function openThreadCa(dir: string, store: TestStore) {
  expect(existsSync(DIST), `${DIST} is missing: build first (pnpm build)`).toBe(true);
  const engine = (await import(pathToFileURL(DIST).href)) as typeof import('../../src/index');
  const { importExitModule } = (await import(THREAD_MODULES)) as {
    importExitModule: (s: string) => Promise<unknown>;
  };
  await engine.setupCa({
    ...storeOption(store),
    dir,
    commonName: 'Thread CA',
    type: 'standalone-root',
    exitModules: MODULES,
    importModule: importExitModule,
  });
  const registry = new RegistryFile(join(dir, 'registry.json'));
  for (const progId of ['Thread_Spin.Exit', 'Thread_Leak.Exit']) {
    registry.setValue(`${caRegistryPaths.exitModule('Thread CA', progId)}\\MaxAttempts`, 2);
  }
  const logger = createCapturingLogger();
  const records: Array<{ progId: string; context: number; ok: boolean }> = [];
  const authority = await engine.CertificateAuthority.open({
    dir,
    logger,
    importModule: importExitModule,
    delivery: 'background',
    // A spinning module is ended after 3 s of silence; the leaking one yields, so only the heap limit ends it.
    exitModuleThread: { builtins: THREAD_MODULES, watchdogMs: 3_000, maxHeapMb: 96, restartBackoffMs: 100 },
    onDelivered: (r) => records.push({ progId: r.progId, context: r.context, ok: r.ok }),
  });
  const keyPair = await generateKeyPair('ECDSA_P256');
  const request = toPem(
    await createCertificationRequest({ keyPair, keyAlgorithm: 'ECDSA_P256', subject: 'CN=thread' }),
    'CERTIFICATE REQUEST',
  );
  const submit = async (who: string) => {
    const started = performance.now();
    const outcome = await authority.submit({ request, requesterName: `CERTEXIT\\${who}` });
    // A standalone CA leaves requests pending (EXITEVENT_CERTPENDING); approval issues them.
    const issued = await authority.resubmit(outcome.requestId, 'CERTEXIT\\officer');
    return { id: issued.requestId, ms: performance.now() - started };
  };
  const deliveredTo = (context: number) =>
    records
      .filter((r) => r.ok && r.context === context)
      .map((r) => r.progId)
      .sort();
  return { authority, logger, submit, deliveredTo };
}

describe.each(TEST_STORES)('exit modules on their own thread (built engine) on $name', (store) => {
  const work = mkdtempSync(join(tmpdir(), 'certexit-exit-thread-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('contains a module stuck in a loop and one that leaks, and delivers everything else', async () => {
    const { authority, logger, submit, deliveredTo } = await openThreadCa(join(work, `ca-${store.name}`), store);
    try {
      expect(authority.exitModulesThread).toBe(true);
      expect(authority.modules.map((m) => m.progId)).toEqual(MODULES);

      const first = await submit('alice');
      await eventually(() => expect(deliveredTo(first.id)).toEqual([...MODULES].sort()));

      // Spin: the thread blocks inside Thread_Spin.Exit's Notify.
      const spin = await submit('spin');
      // Delivered once the watchdog has ended the blocked thread and the next one made the calls one at a time.
      await eventually(() => expect(deliveredTo(spin.id)).toContain('Thread_Good.Exit'), 30_000);
      // Issuance does not wait for a blocked module thread.
      const during = await submit('bob');
      expect(during.ms).toBeLessThan(1_000);
      await eventually(
        () =>
          expect(
            logger.entries.some(
              (e) => e.level === 'error' && (e.fields as { module?: string }).module === 'Thread_Spin.Exit',
            ),
          ).toBe(true),
        10_000,
      );
      // Started again (after each death), the thread delivers what was in flight again; after MaxAttempts the
      // poison notification is dead and nothing else is held up.
      await eventually(async () => {
        const dead = await authority.ca.store.outbox.list({ status: 'dead', progId: 'Thread_Spin.Exit' });
        expect(dead.map((r) => r.context)).toEqual([spin.id]);
      }, 30_000);
      // Its notification to the spinning module may have been in flight at a death: it comes on its retry.
      await eventually(() => expect(deliveredTo(during.id)).toEqual([...MODULES].sort()), 30_000);
      // The first death had several calls in flight (the modules meet at the spin request): the next
      // thread made one call at a time, and the death it met then named the blocking call. That is the module's
      // failed attempt, event 46 with RPC_S_CALL_FAILED; no other module is charged, and the other modules'
      // notifications of the same request went through.
      expect(logger.entries.some((e) => /one call at a time/.test(e.msg ?? ''))).toBe(true);
      // The outbox is the record of delivery: their rows for the spinning request are done.
      await eventually(async () => {
        for (const progId of ['Thread_Good.Exit', 'Thread_Leak.Exit']) {
          const done = await authority.ca.store.outbox.list({ progId, status: 'done', limit: 1_000 });
          expect(done.map((r) => r.context)).toContain(spin.id);
        }
      }, 30_000);
      const event46 = logger.entries.filter((e) => (e.fields as { eventId?: number }).eventId === 46);
      expect(new Set(event46.map((e) => (e.fields as { module: string }).module))).toEqual(
        new Set(['Thread_Spin.Exit']),
      );
      expect(event46.at(-1)?.fields).toMatchObject({
        method: 'Notify',
        hresult: formatHResult(HRESULT_RPC_CALL_FAILED),
        context: spin.id,
      });
      expect(event46.at(-1)?.msg).toMatch(/dead-lettered after the maximum attempts/);

      // Leak: the heap limit ends the thread.
      const leak = await submit('leak');
      await eventually(async () => {
        const dead = await authority.ca.store.outbox.list({ status: 'dead', progId: 'Thread_Leak.Exit' });
        expect(dead.map((r) => r.context)).toEqual([leak.id]);
      }, 30_000);
      expect(logger.entries.some((e) => /out of memory|ERR_WORKER_OUT_OF_MEMORY/i.test(JSON.stringify(e)))).toBe(true);
      const last = await submit('carol');
      await eventually(() => expect(deliveredTo(last.id)).toEqual([...MODULES].sort()), 10_000);

      // On Linux the thread runs at niceness 10, below the engine.
      const nice = readdirSync('/proc/self/task')
        .filter((t) => readFileSync(`/proc/self/task/${t}/comm`, 'utf8').startsWith('certexit exit'))
        .map((t) => Number(readFileSync(`/proc/self/task/${t}/stat`, 'utf8').split(') ')[1]!.split(' ')[16]));
      expect(nice).toEqual([10]);
    } finally {
      await authority.stop({ sendShutdownEvent: false });
    }
  }, 90_000);
});

describe('an exit-module thread that cannot start again (built engine)', () => {
  const work = mkdtempSync(join(tmpdir(), 'certexit-exit-thread-restart-'));
  afterAll(() => {
    delete process.env.CERTEXIT_TEST_THREAD_MODULES;
    rmSync(work, { recursive: true, force: true });
  });

  it('is started again with the backoff until it starts, and then delivers what waited', async () => {
    const { authority, logger, submit, deliveredTo } = await openThreadCa(join(work, 'ca'), SQLITE_STORE);
    try {
      const first = await submit('alice');
      await eventually(() => expect(deliveredTo(first.id)).toEqual([...MODULES].sort()));
      // The modules stop loading (a package being upgraded on disk, say), then the thread dies.
      process.env.CERTEXIT_TEST_THREAD_MODULES = 'unavailable';
      await submit('spin');
      const failedStarts = () =>
        logger.entries.filter((e) => /could not start again; it tries again/.test(e.msg ?? '')).length;
      await eventually(() => expect(failedStarts()).toBeGreaterThanOrEqual(2), 30_000);
      const waiting = await submit('bob');
      expect(deliveredTo(waiting.id)).toEqual([]);
      // Loadable again: the next try starts the thread, which delivers what waited.
      delete process.env.CERTEXIT_TEST_THREAD_MODULES;
      await eventually(() => expect(deliveredTo(waiting.id)).toEqual([...MODULES].sort()), 60_000);
      const failure = logger.entries.find((e) => /could not start again; it tries again/.test(e.msg ?? ''));
      expect((failure?.fields as { err?: Error } | undefined)?.err?.message).toMatch(
        /thread fault modules are unavailable/,
      );
    } finally {
      await authority.stop({ sendShutdownEvent: false });
    }
  }, 120_000);
});
