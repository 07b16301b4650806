import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Logger } from '@certexit/core';
import { HRESULT_RPC_CALL_FAILED } from '@certexit/core';
import { caRegistryPaths } from '../ca/ca-configuration-paths';
import type { CaContext } from '../ca/ca-context';
import type { DeliveryRecord } from './delivery-record';
import { readDeliverySettings } from './delivery-settings';
import type { ExitHost, ExitModuleInfo } from './exit-host';
import type {
  CallInFlight,
  ExitHostThreadData,
  FromExitHostThread,
  ThreadLogLevel,
  ToExitHostThread,
} from './exit-host-thread-protocol';
import {
  CALLS_BYTES,
  SIGNAL_CHECKPOINT,
  SIGNAL_ENGINE_BUSY,
  SIGNAL_WAKE,
  SIGNALS_BYTES,
  THREAD_LOG_LEVELS,
  takeCalls,
} from './exit-host-thread-protocol';
import { logExitModuleError } from './exit-module-event-log';
import type { ExitModuleLoadFailure } from './load-exit-modules';
import { retryDelayMs } from './retry-policy';

/** Options of {@link startExitHostThread}. */
export interface ExitHostThreadOptions {
  logger: Logger;
  /**
   * URL of a module exporting `builtinExitModules()`, the factories the thread loads besides registered packages
   * and files (functions cannot be handed to a thread). @default none
   */
  builtins?: string;
  notifyTimeoutMs?: number;
  onDelivered?: (record: DeliveryRecord) => void;
  /** The thread's heap limit (MB): a module that leaks ends the thread, not the CA. @default 1024 */
  maxHeapMb?: number;
  /** How long the thread may go without answering before it is ended and started again. @default 30000 */
  watchdogMs?: number;
  /**
   * How long a thread may take to start (load the engine and the modules) before it is ended and started again: a
   * loaded machine compiles slowly, and a starting thread cannot answer. @default the larger of watchdogMs and 60000
   */
  startupMs?: number;
  /** The wait before a dead thread starts again; it doubles while the thread keeps dying, up to a minute. @default 1000 */
  restartBackoffMs?: number;
  /**
   * The thread's niceness on Linux (0 to 19): above 0, delivery runs on the CPU issuance leaves, and gets about a
   * tenth of a core at 10 when the engine needs all of it. @default 10
   */
  niceness?: number;
  /**
   * The share (0 to 1) of the thread's time delivery may take while the engine is busy (after
   * {@link holdUnderLoadMs}); 1, with a hold of 0, never holds delivery back. @default 0.1
   */
  shareUnderLoad?: number;
  /** How long (ms) delivery waits entirely once the engine becomes busy, before it takes its share. @default 1000 */
  holdUnderLoadMs?: number;
  /** Whether the engine had operations in flight since the last look (sampled every 50 ms). @default never busy */
  engineBusy?: () => boolean;
}

/**
 * Runs the exit modules on a worker thread of their own (background delivery, as `certexit serve` does): the
 * engine's event loop only writes each event's outbox rows with its state change, and the thread claims them,
 * calls the modules, reads their properties and records the outcomes on its own database connection, on another
 * core. A module can then neither slow issuance nor stall it:
 * - a module stuck in a synchronous loop stops the thread answering; after `watchdogMs` the thread is ended and
 *   started again, and the outbox delivers what was in flight again;
 * - a module that leaks memory hits the thread's heap limit, which ends the thread, not the CA;
 * - the call a thread died in is its module's failed attempt (event 46, `RPC_S_CALL_FAILED`; dead-lettered after
 *   MaxAttempts like any failure). The thread records the calls in flight; with one, it is the one. With several,
 *   the next thread makes one call at a time until each has been made again, so a second death names it, and no
 *   other module's notification is charged for it;
 * - a thread that dies is started again, after `restartBackoffMs`, doubling up to a minute while it keeps dying; a
 *   restart that fails (the database unreachable, a module that no longer loads) is tried again the same way, so
 *   delivery resumes on its own once the cause is gone.
 * The modules are loaded by the thread: registered packages and files, and the built-ins of `builtinExitModules()`
 * from the module at `builtins`. The thread runs the engine's bundle, so this host needs the built engine (`dist`).
 */
export async function startExitHostThread(ca: CaContext, options: ExitHostThreadOptions): Promise<ExitHost> {
  const entry = engineBundleUrl();
  const calls = new SharedArrayBuffer(CALLS_BYTES);
  // Whether the engine is busy, for the thread's pacer (sampled every 50 ms), the wake and checkpoint counters.
  const signals = new SharedArrayBuffer(SIGNALS_BYTES);
  const signalView = new Int32Array(signals);
  const loadSampler = setInterval(() => {
    Atomics.store(signalView, SIGNAL_ENGINE_BUSY, options.engineBusy?.() ? 1 : 0);
  }, 50);
  loadSampler.unref();
  const level = (options.logger as { level?: string }).level;
  const base: Omit<ExitHostThreadData, 'suspects'> = {
    dir: ca.folder.root,
    entry,
    ...(options.builtins !== undefined && { builtins: options.builtins }),
    ...(options.notifyTimeoutMs !== undefined && { notifyTimeoutMs: options.notifyTimeoutMs }),
    logLevel: THREAD_LOG_LEVELS.includes(level as ThreadLogLevel) ? (level as ThreadLogLevel) : 'info',
    calls,
    niceness: options.niceness ?? 10,
    signals,
    shareUnderLoad: options.shareUnderLoad ?? 0.1,
    holdUnderLoadMs: options.holdUnderLoadMs ?? 1000,
  };
  const watchdogMs = options.watchdogMs ?? 30_000;
  const startupMs = options.startupMs ?? Math.max(watchdogMs, 60_000);
  let modules: readonly ExitModuleInfo[] = [];
  let loadFailures: readonly ExitModuleLoadFailure[] = [];
  let worker: Worker | undefined;
  /** Whether the current thread has loaded its modules (and answers pings). */
  let workerReady = false;
  let stopping = false;
  let restarts = 0;
  let startedAt = 0;
  let restartTimer: NodeJS.Timeout | undefined;
  let pingId = 0;
  let answeredAt = 0;
  /** Why the current thread is being ended, when the engine ends it (the watchdog). */
  let endingBecause: string | undefined;
  let onStopped: (() => void) | undefined;

  const send = (message: ToExitHostThread) => worker?.postMessage(message);
  const start = (suspects: readonly CallInFlight[] = []) =>
    new Promise<void>((resolve, reject) => {
      const data: ExitHostThreadData = { ...base, ...(suspects.length > 0 && { suspects }) };
      const thread = new Worker(_PROGRAM, {
        eval: true,
        workerData: data,
        ...(_hasConditions(process.execArgv) && { execArgv: _withoutConditions(process.execArgv) }),
        name: 'certexit exit modules',
        resourceLimits: { maxOldGenerationSizeMb: options.maxHeapMb ?? 1024 },
      });
      worker = thread;
      workerReady = false;
      startedAt = Date.now();
      answeredAt = Date.now();
      let ready = false;
      thread.on('message', (message: FromExitHostThread) => {
        answeredAt = Date.now();
        switch (message.type) {
          case 'ready':
            ready = true;
            workerReady = true;
            modules = message.modules;
            loadFailures = message.loadFailures;
            resolve();
            break;
          case 'failed':
            if (!ready) reject(new Error(`the exit-module thread could not start: ${message.error}`));
            else options.logger.error({ err: { message: message.error } }, 'the exit-module thread failed');
            break;
          case 'delivered':
            for (const record of message.records) options.onDelivered?.(record);
            break;
          case 'log':
            options.logger[message.level](message.fields, message.message);
            break;
          case 'stopped':
            onStopped?.();
            break;
          case 'pong':
            break;
        }
      });
      let died: string | undefined;
      thread.on('error', (error) => {
        died = error.message;
        options.logger.error({ err: error }, 'the exit-module thread failed');
        if (!ready) reject(error);
      });
      thread.on('exit', (code) => {
        if (worker !== thread) return;
        worker = undefined;
        onStopped?.();
        const why =
          endingBecause ??
          died ??
          (ready
            ? `the exit-module thread stopped (exit code ${code})`
            : `it stopped while starting (exit code ${code})`);
        endingBecause = undefined;
        if (!ready) {
          reject(new Error(`the exit-module thread could not start: ${why}`));
          return;
        }
        if (stopping) return;
        // The call the thread died in is its module's failed attempt; the other rows it held come back through
        // recovery as they were. Several calls in flight: the next thread finds out which, one call at a time.
        const inFlight = takeCalls(calls);
        const culprit = inFlight.complete && inFlight.calls.length === 1 ? inFlight.calls[0] : undefined;
        const suspects = culprit ? [] : inFlight.calls;
        // Recorded before the next thread starts, whose recovery would otherwise take the row back as it was.
        const blamed = culprit ? blame(culprit, why) : Promise.resolve();
        const delay = nextRestartDelay();
        options.logger.error(
          {
            exitCode: code,
            restartInMs: delay,
            ...(suspects.length > 0 && { suspects: suspects.map((c) => `${c.progId} (context ${c.context})`) }),
          },
          suspects.length > 0
            ? 'the exit-module thread stopped with several calls in flight; it starts again and makes one call at a time until it knows which one stops it'
            : 'the exit-module thread stopped; it starts again, and the outbox delivers what was in flight again',
        );
        void blamed.then(() => restartAfter(delay, suspects));
      });
    });

  const nextRestartDelay = () => {
    // Healthy for a minute: the next death is a first one again.
    restarts = Date.now() - startedAt > 60_000 ? 0 : restarts + 1;
    return Math.min(60_000, (options.restartBackoffMs ?? 1_000) * 2 ** restarts);
  };
  /** Starts the thread again after `delay`; a start that fails is tried again, with the same backoff. */
  const restartAfter = (delay: number, suspects: readonly CallInFlight[]) => {
    if (stopping) return;
    restartTimer = setTimeout(() => {
      restartTimer = undefined;
      if (stopping) return;
      start(suspects).catch((error: unknown) => {
        if (stopping) return;
        const retryIn = nextRestartDelay();
        options.logger.error(
          { err: error, restartInMs: retryIn },
          'the exit-module thread could not start again; it tries again',
        );
        restartAfter(retryIn, suspects);
      });
    }, delay);
    restartTimer.unref();
  };

  /** Records the call a dead thread was inside as a failed attempt of its module, and logs it as event 46. */
  const blame = async (call: { progId: string; context: number }, why: string) => {
    try {
      const settings = readDeliverySettings(ca.registry, caRegistryPaths.exitModule(ca.sanitizedName, call.progId));
      const failed = await ca.store.outbox.failDelivering(call.progId, call.context, {
        hresult: HRESULT_RPC_CALL_FAILED,
        error: why,
        maxAttempts: settings.retry.maxAttempts,
        nextAttemptAt: (attempts) => new Date(Date.now() + retryDelayMs(settings.retry, attempts)),
        now: new Date(),
      });
      logExitModuleError(options.logger, {
        progId: call.progId,
        description: modules.find((m) => m.progId === call.progId)?.description ?? call.progId,
        method: 'Notify',
        hresult: HRESULT_RPC_CALL_FAILED,
        error: new Error(failed?.fate === 'dead' ? `${why}; dead-lettered after the maximum attempts` : why),
        ...(failed && { event: failed.event }),
        context: call.context,
      });
    } catch (error) {
      options.logger.error({ err: error, module: call.progId }, 'could not record the failed attempt');
    }
  };

  // The thread has its own connection to the database: it checkpoints the engine's log too, and the store starts
  // no checkpointer thread. While the thread restarts, the writer's automatic checkpoint is the backstop.
  const takeCheckpointsBack = ca.store.walCheckpoints?.delegate(
    () => void Atomics.add(signalView, SIGNAL_CHECKPOINT, 1),
  );
  try {
    await start();
  } catch (error) {
    takeCheckpointsBack?.();
    clearInterval(loadSampler);
    throw error;
  }
  const watchdog = setInterval(
    () => {
      if (!worker || stopping) return;
      const silentFor = Date.now() - answeredAt;
      if (silentFor < (workerReady ? watchdogMs : startupMs)) {
        send({ type: 'ping', id: ++pingId });
        return;
      }
      if (workerReady) {
        options.logger.error(
          { silentMs: silentFor },
          `the exit-module thread has not answered for ${silentFor} ms (a module keeps it busy): it is ended and started again`,
        );
        endingBecause = `the module kept the exit-module thread busy for ${silentFor} ms without returning`;
      } else {
        endingBecause = `it did not start within ${silentFor} ms`;
      }
      void worker.terminate();
    },
    Math.max(10, Math.floor(watchdogMs / 4)),
  );
  watchdog.unref();

  const wake = () => void Atomics.add(signalView, SIGNAL_WAKE, 1);
  return {
    get modules() {
      return modules;
    },
    get loadFailures() {
      return loadFailures;
    },
    async deliver() {
      wake();
      return [];
    },
    wake,
    async stop({ graceMs, sendShutdownEvent }) {
      stopping = true;
      clearInterval(watchdog);
      clearInterval(loadSampler);
      clearTimeout(restartTimer);
      takeCheckpointsBack?.();
      const thread = worker;
      if (!thread) return;
      const stopped = new Promise<void>((resolve) => {
        onStopped = resolve;
      });
      send({ type: 'stop', graceMs, sendShutdownEvent });
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<'late'>((resolve) => {
        timer = setTimeout(() => resolve('late'), 2 * graceMs + 5_000);
      });
      if ((await Promise.race([stopped, late])) === 'late') {
        options.logger.warn({ graceMs }, 'the exit-module thread did not stop in time; it is ended');
      }
      clearTimeout(timer);
      await thread.terminate();
    },
  };
}

/** True when the engine runs from its bundle, which the exit-module thread needs (see {@link engineBundleUrl}). */
export function exitHostThreadAvailable(): boolean {
  const url = new URL('./index.js', import.meta.url);
  return import.meta.url.endsWith('.js') && existsSync(fileURLToPath(url));
}

/**
 * The engine's bundle (`dist/index.js`), which the thread imports to run `runExitHostThread`. This file is bundled
 * into it (or a chunk beside it); run from `src` (the tests), there is no bundle, and the error says so.
 */
export function engineBundleUrl(): string {
  const url = new URL('./index.js', import.meta.url);
  if (!exitHostThreadAvailable()) {
    throw new Error(
      `the exit-module thread runs from the built engine (dist/index.js), not from ${fileURLToPath(import.meta.url)}: build it first`,
    );
  }
  return url.href;
}

/**
 * The thread runs the bundle, whose dependencies resolve the default way: a test runner's `--conditions` would point
 * them at TypeScript sources. Only then are the flags given explicitly (Node inherits the others on its own, and
 * refuses per-process flags such as `--expose-gc` when they are given).
 */
function _hasConditions(execArgv: readonly string[]): boolean {
  return execArgv.some((flag) => flag === '--conditions' || flag === '-C' || flag.startsWith('--conditions='));
}

function _withoutConditions(execArgv: readonly string[]): string[] {
  const kept: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    const flag = execArgv[i]!;
    if (flag === '--conditions' || flag === '-C') i++;
    else if (!flag.startsWith('--conditions=')) kept.push(flag);
  }
  return kept;
}

// The thread's program: source text, so it needs no file of its own; it imports the engine's bundle and runs.
const _PROGRAM = `'use strict';
const { parentPort, workerData } = process.getBuiltinModule('node:worker_threads');
import(workerData.entry)
  .then((server) => server.runExitHostThread(parentPort, workerData))
  .catch((error) => parentPort.postMessage({ type: 'failed', error: String((error && error.stack) || error) }));
`;
