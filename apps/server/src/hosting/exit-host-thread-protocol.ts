import type { DeliveryRecord } from './exit-dispatcher';
import type { ExitModuleInfo } from './exit-host';

/** What the exit-module thread is started with (its `workerData`). */
export interface ExitHostThreadData {
  /** The CA folder. */
  readonly dir: string;
  /** URL of the module the thread runs: it exports `runExitHostThread` (the server's bundle). */
  readonly entry: string;
  /** URL of the module whose `builtinExitModules()` gives the built-in module factories. */
  readonly builtins: string;
  readonly notifyTimeoutMs?: number;
  /** The lowest level forwarded to the engine's logger. */
  readonly logLevel: ThreadLogLevel;
  /** The thread's niceness (Linux), when it is to run below the engine's priority. */
  readonly niceness?: number;
  /**
   * Two Int32s shared with the engine: 1 while it is busy (operations in flight in the last 50 ms, see
   * delivery-pacer.ts), and a counter it bumps whenever it wants the lanes woken (new rows, an operator's retry).
   * The thread looks at them every 10 ms: a message per commit cost the engine a system call and often a context
   * switch each (85 µs of its time per wake on two cores).
   */
  readonly signals: SharedArrayBuffer;
  /** The share (0 to 1) of its time the thread may deliver with while the engine is busy. */
  readonly shareUnderLoad: number;
  /** Shared with the engine: the `Notify` the thread entered last (see {@link writeLastCall}). */
  readonly lastCall: SharedArrayBuffer;
}

/** Size of {@link ExitHostThreadData.lastCall}: the context, the ProgID's length, and the ProgID (COM caps it at 39). */
export const LAST_CALL_BYTES = 8 + 128;

/** Records the `Notify` the thread enters: a watchdog that finds the thread blocked names this module. */
export function writeLastCall(buffer: SharedArrayBuffer, progId: string, context: number): void {
  const view = new DataView(buffer);
  const { written } = _encoder.encodeInto(progId, new Uint8Array(buffer, 8, LAST_CALL_BYTES - 8));
  view.setInt32(0, context);
  view.setInt32(4, written);
}

/** The `Notify` the thread entered last, if any (read while the thread is blocked, so nothing writes meanwhile). */
export function readLastCall(buffer: SharedArrayBuffer): { progId: string; context: number } | undefined {
  const view = new DataView(buffer);
  const length = view.getInt32(4);
  if (length === 0) return undefined;
  return {
    context: view.getInt32(0),
    progId: new TextDecoder().decode(new Uint8Array(buffer, 8, length).slice()),
  };
}

const _encoder = new TextEncoder();

export type ThreadLogLevel = 'debug' | 'info' | 'warn' | 'error';

/** Slots of {@link ExitHostThreadData.signals}. */
export const SIGNAL_ENGINE_BUSY = 0;
export const SIGNAL_WAKE = 1;

/** Messages from the engine to the thread. */
export type ToExitHostThread =
  | { readonly type: 'ping'; readonly id: number }
  | { readonly type: 'stop'; readonly graceMs: number; readonly sendShutdownEvent: boolean };

/** Messages from the thread to the engine. */
export type FromExitHostThread =
  | { readonly type: 'ready'; readonly modules: readonly ExitModuleInfo[] }
  | { readonly type: 'failed'; readonly error: string }
  | { readonly type: 'delivered'; readonly records: readonly DeliveryRecord[] }
  | { readonly type: 'log'; readonly level: ThreadLogLevel; readonly fields: object; readonly message?: string }
  | { readonly type: 'pong'; readonly id: number }
  | { readonly type: 'stopped' };

/** Order of the levels, lowest first. */
export const THREAD_LOG_LEVELS: readonly ThreadLogLevel[] = ['debug', 'info', 'warn', 'error'];
