import type { DeliveryRecord } from './delivery-record';
import type { ExitModuleInfo } from './exit-host';
import type { ExitModuleLoadFailure } from './load-exit-modules';

/** What the exit-module thread is started with (its `workerData`). */
export interface ExitHostThreadData {
  /** The CA folder. */
  readonly dir: string;
  /** URL of the module the thread runs: it exports `runExitHostThread` (the engine's bundle). */
  readonly entry: string;
  /** URL of the module whose `builtinExitModules()` gives the built-in module factories; none without it. */
  readonly builtins?: string;
  readonly notifyTimeoutMs?: number;
  /** The lowest level forwarded to the engine's logger. */
  readonly logLevel: ThreadLogLevel;
  /** The thread's niceness (Linux), when it is to run below the engine's priority. */
  readonly niceness?: number;
  /**
   * Three Int32s shared with the engine: 1 while it is busy (operations in flight in the last 50 ms, see
   * delivery-pacer.ts), a counter it bumps whenever it wants the lanes woken (new rows, an operator's retry), and
   * one it bumps when its write-ahead log wants a checkpoint ({@link SIGNAL_CHECKPOINT}).
   * The thread looks at them every 10 ms: a message per commit cost the engine a system call and often a context
   * switch each (85 µs of its time per wake on two cores).
   */
  readonly signals: SharedArrayBuffer;
  /** The share (0 to 1) of its time the thread may deliver with while the engine is busy. */
  readonly shareUnderLoad: number;
  /** How long (ms) it waits entirely once the engine becomes busy, before it takes that share. */
  readonly holdUnderLoadMs: number;
  /** Shared with the engine: the `Notify` calls in flight on the thread (see {@link recordCall}). */
  readonly calls: SharedArrayBuffer;
  /**
   * Calls that were in flight when the previous thread died, more than one: this thread makes one call at a time
   * until each of them has been made again (or a minute has passed), so that a death names its call.
   */
  readonly suspects?: readonly CallInFlight[];
}

/** One `Notify` in flight on the exit-module thread. */
export interface CallInFlight {
  readonly progId: string;
  readonly context: number;
}

/**
 * Layout of {@link ExitHostThreadData.calls}: a header word set when more calls were in flight than there are slots,
 * then slots of the context, the ProgID's length and the ProgID (COM caps a ProgID at 39 characters).
 */
const _HEADER = 8;
const _SLOT_BYTES = 128;
const _SLOTS = 256;
export const CALLS_BYTES = _HEADER + _SLOT_BYTES * _SLOTS;

/**
 * Records a `Notify` the thread enters; the function returned forgets it when it returns. If the thread dies or
 * blocks, the engine blames the calls recorded (see {@link takeCalls}).
 */
export function recordCall(buffer: SharedArrayBuffer, call: CallInFlight): () => void {
  const view = new DataView(buffer);
  for (let slot = 0; slot < _SLOTS; slot++) {
    const at = _HEADER + slot * _SLOT_BYTES;
    if (view.getInt32(at + 4) !== 0) continue;
    const { written } = _encoder.encodeInto(call.progId, new Uint8Array(buffer, at + 8, _SLOT_BYTES - 8));
    view.setInt32(at, call.context);
    view.setInt32(at + 4, written);
    return () => view.setInt32(at + 4, 0);
  }
  view.setInt32(0, 1);
  return () => undefined;
}

/**
 * The calls in flight, and whether some could not be recorded (read while the thread is blocked or dead, so
 * nothing writes meanwhile); the table is cleared.
 */
export function takeCalls(buffer: SharedArrayBuffer): { calls: CallInFlight[]; complete: boolean } {
  const view = new DataView(buffer);
  const calls: CallInFlight[] = [];
  for (let slot = 0; slot < _SLOTS; slot++) {
    const at = _HEADER + slot * _SLOT_BYTES;
    const length = view.getInt32(at + 4);
    if (length === 0) continue;
    calls.push({
      context: view.getInt32(at),
      progId: new TextDecoder().decode(new Uint8Array(buffer, at + 8, length).slice()),
    });
    view.setInt32(at + 4, 0);
  }
  const complete = view.getInt32(0) === 0;
  view.setInt32(0, 0);
  return { calls, complete };
}

const _encoder = new TextEncoder();

export type ThreadLogLevel = 'debug' | 'info' | 'warn' | 'error';

/** Slots of {@link ExitHostThreadData.signals}. */
export const SIGNAL_ENGINE_BUSY = 0;
export const SIGNAL_WAKE = 1;
/**
 * A counter the engine's store bumps when its write-ahead log wants a checkpoint: the thread runs it on its own
 * connection (see wal-checkpointer.ts), so the engine needs no checkpointer thread besides this one.
 */
export const SIGNAL_CHECKPOINT = 2;
/** Bytes of {@link ExitHostThreadData.signals}. */
export const SIGNALS_BYTES = 12;

/** Messages from the engine to the thread. */
export type ToExitHostThread =
  | { readonly type: 'ping'; readonly id: number }
  | { readonly type: 'stop'; readonly graceMs: number; readonly sendShutdownEvent: boolean };

/** Messages from the thread to the engine. */
export type FromExitHostThread =
  | {
      readonly type: 'ready';
      readonly modules: readonly ExitModuleInfo[];
      readonly loadFailures: readonly ExitModuleLoadFailure[];
    }
  | { readonly type: 'failed'; readonly error: string }
  | { readonly type: 'delivered'; readonly records: readonly DeliveryRecord[] }
  | { readonly type: 'log'; readonly level: ThreadLogLevel; readonly fields: object; readonly message?: string }
  | { readonly type: 'pong'; readonly id: number }
  | { readonly type: 'stopped' };

/** Order of the levels, lowest first. */
export const THREAD_LOG_LEVELS: readonly ThreadLogLevel[] = ['debug', 'info', 'warn', 'error'];
