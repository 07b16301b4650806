import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Logger } from '@certexit/core';
import type { CaContext } from '../ca/ca-context';
import type { DeliveryRecord } from './exit-dispatcher';
import type { ExitHost, ExitModuleInfo } from './exit-host';
import type {
  ExitHostThreadData,
  FromExitHostThread,
  ThreadLogLevel,
  ToExitHostThread,
} from './exit-host-thread-protocol';
import {
  LAST_CALL_BYTES,
  readLastCall,
  SIGNAL_ENGINE_BUSY,
  SIGNAL_WAKE,
  THREAD_LOG_LEVELS,
} from './exit-host-thread-protocol';

/** Options of {@link startExitHostThread}. */
export interface ExitHostThreadOptions {
  logger: Logger;
  /** URL of a module exporting `builtinExitModules()`. @default the server's own (the default module, the samples) */
  builtins?: string;
  notifyTimeoutMs?: number;
  onDelivered?: (record: DeliveryRecord) => void;
  /** The thread's heap limit (MB): a module that leaks ends the thread, not the CA. @default 1024 */
  maxHeapMb?: number;
  /** How long the thread may go without answering before it is ended and started again. @default 30000 */
  watchdogMs?: number;
  /**
   * The thread's niceness on Linux (0 to 19): above 0, delivery runs on the CPU issuance leaves, and gets about a
   * tenth of a core at 10 when the engine needs all of it. @default 10
   */
  niceness?: number;
  /**
   * The share (0 to 1) of the thread's time delivery may take while the engine is busy; 1 never holds delivery
   * back. @default 0.1
   */
  shareUnderLoad?: number;
  /** Whether the engine had operations in flight since the last look (sampled every 50 ms). @default never busy */
  engineBusy?: () => boolean;
}

/**
 * Runs the exit modules on a worker thread of their own (background delivery, as `certexit serve` does): the
 * engine's event loop only writes each event's outbox rows with its state change, and the thread claims them,
 * calls the modules, reads their properties and records the outcomes on its own database connection, on another
 * core. A module can then neither slow issuance nor stall it:
 * - a module stuck in a synchronous loop stops the thread answering; after `watchdogMs` the thread is ended (the
 *   log names the module whose `Notify` it entered last) and started again, and the outbox delivers what was in
 *   flight again (a row whose every attempt ends this way is dead-lettered after MaxAttempts);
 * - a module that leaks memory hits the thread's heap limit, which ends the thread, not the CA;
 * - a thread that dies is started again, after 1 s, doubling up to a minute while it keeps dying.
 * The modules are loaded by the thread: registered packages and files, and the built-ins of `builtinExitModules()`
 * from the server's bundle (or `builtins`), so this host needs the built server (`dist`).
 */
export async function startExitHostThread(ca: CaContext, options: ExitHostThreadOptions): Promise<ExitHost> {
  const entry = serverBundleUrl();
  const lastCall = new SharedArrayBuffer(LAST_CALL_BYTES);
  // Whether the engine is busy, for the thread's pacer (sampled every 50 ms), and the wake counter.
  const signals = new SharedArrayBuffer(8);
  const signalView = new Int32Array(signals);
  const loadSampler = setInterval(() => {
    Atomics.store(signalView, SIGNAL_ENGINE_BUSY, options.engineBusy?.() ? 1 : 0);
  }, 50);
  loadSampler.unref();
  const level = (options.logger as { level?: string }).level;
  const data: ExitHostThreadData = {
    dir: ca.folder.root,
    entry,
    builtins: options.builtins ?? entry,
    ...(options.notifyTimeoutMs !== undefined && { notifyTimeoutMs: options.notifyTimeoutMs }),
    logLevel: THREAD_LOG_LEVELS.includes(level as ThreadLogLevel) ? (level as ThreadLogLevel) : 'info',
    lastCall,
    niceness: options.niceness ?? 10,
    signals,
    shareUnderLoad: options.shareUnderLoad ?? 0.1,
  };
  const watchdogMs = options.watchdogMs ?? 30_000;
  let modules: readonly ExitModuleInfo[] = [];
  let worker: Worker | undefined;
  let stopping = false;
  let restarts = 0;
  let startedAt = 0;
  let restartTimer: NodeJS.Timeout | undefined;
  let pingId = 0;
  let answeredAt = 0;
  let onStopped: (() => void) | undefined;

  const send = (message: ToExitHostThread) => worker?.postMessage(message);
  const start = () =>
    new Promise<void>((resolve, reject) => {
      const thread = new Worker(_PROGRAM, {
        eval: true,
        workerData: data,
        name: 'certexit exit modules',
        resourceLimits: { maxOldGenerationSizeMb: options.maxHeapMb ?? 1024 },
      });
      worker = thread;
      startedAt = Date.now();
      answeredAt = Date.now();
      let ready = false;
      thread.on('message', (message: FromExitHostThread) => {
        answeredAt = Date.now();
        switch (message.type) {
          case 'ready':
            ready = true;
            modules = message.modules;
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
      thread.on('error', (error) => {
        options.logger.error({ err: error }, 'the exit-module thread failed');
        if (!ready) reject(error);
      });
      thread.on('exit', (code) => {
        if (worker !== thread) return;
        worker = undefined;
        onStopped?.();
        if (stopping || !ready) return;
        // Healthy for a minute: the next death is a first one again.
        restarts = Date.now() - startedAt > 60_000 ? 0 : restarts + 1;
        const delay = Math.min(60_000, 1_000 * 2 ** restarts);
        options.logger.error(
          { exitCode: code, restartInMs: delay },
          'the exit-module thread stopped; it starts again, and the outbox delivers what was in flight again',
        );
        restartTimer = setTimeout(() => {
          restartTimer = undefined;
          start().catch((error: unknown) =>
            options.logger.error({ err: error }, 'the exit-module thread could not start again'),
          );
        }, delay);
        restartTimer.unref();
      });
    });

  await start();
  const watchdog = setInterval(
    () => {
      if (!worker || stopping) return;
      const silentFor = Date.now() - answeredAt;
      if (silentFor < watchdogMs) {
        send({ type: 'ping', id: ++pingId });
        return;
      }
      const culprit = readLastCall(lastCall);
      options.logger.error(
        {
          silentMs: silentFor,
          ...(culprit && { module: culprit.progId, context: culprit.context }),
        },
        `the exit-module thread has not answered for ${silentFor} ms${culprit ? `; the last Notify it entered was ${culprit.progId}'s (context ${culprit.context})` : ''}: it is ended and started again`,
      );
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

/**
 * The server's bundle (`dist/index.js`), which the thread imports to run `runExitHostThread`. This file is bundled
 * into a chunk beside it; run from `src` (the tests), there is no bundle, and the error says so.
 */
export function serverBundleUrl(): string {
  const url = new URL('./index.js', import.meta.url);
  if (!import.meta.url.endsWith('.js') || !existsSync(fileURLToPath(url))) {
    throw new Error(
      `the exit-module thread runs from the built server (dist/index.js), not from ${fileURLToPath(import.meta.url)}: build it first`,
    );
  }
  return url.href;
}

// The thread's program: source text, so it needs no file of its own; it imports the server's bundle and runs.
const _PROGRAM = `'use strict';
const { parentPort, workerData } = require('node:worker_threads');
import(workerData.entry)
  .then((server) => server.runExitHostThread(parentPort, workerData))
  .catch((error) => parentPort.postMessage({ type: 'failed', error: String((error && error.stack) || error) }));
`;
