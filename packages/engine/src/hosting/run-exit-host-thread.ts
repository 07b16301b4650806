import type { MessagePort } from 'node:worker_threads';
import type { Logger } from '@certexit/core';
import type { CaContext } from '../ca/ca-context';
import { openCa } from '../ca/open-ca';
import type { DeliveryPacer } from './delivery-pacer';
import { createDeliveryPacer } from './delivery-pacer';
import type { DeliveryRecord } from './delivery-record';
import type {
  ExitHostThreadData,
  FromExitHostThread,
  ThreadLogLevel,
  ToExitHostThread,
} from './exit-host-thread-protocol';
import {
  recordCall,
  SIGNAL_CHECKPOINT,
  SIGNAL_ENGINE_BUSY,
  SIGNAL_WAKE,
  THREAD_LOG_LEVELS,
} from './exit-host-thread-protocol';
import type { InProcessExitHost } from './in-process-exit-host';
import { startInProcessExitHost } from './in-process-exit-host';
import type { BuiltinExitModules, ExitModuleImporter } from './load-exit-modules';
import { lowerThreadPriority } from './lower-thread-priority';

/**
 * The exit-module thread's side (the engine's side is `startExitHostThread`): opens the CA folder with a database
 * connection of its own, loads the active exit modules and delivers to them through the outbox, as the engine's
 * thread would, and tells the engine what happens: the modules that loaded, each delivery, every log record.
 * Runs on a worker thread's `parentPort`, or on one end of a `MessageChannel` (the tests).
 */
export async function runExitHostThread(port: MessagePort, data: ExitHostThreadData): Promise<void> {
  const post = (message: FromExitHostThread) => port.postMessage(message);
  const logger = _forwardingLogger(post, data.logLevel, {});
  if (data.niceness !== undefined && !lowerThreadPriority(data.niceness)) {
    logger.info(
      { niceness: data.niceness },
      "the exit-module thread runs at the engine's priority (no per-thread niceness here)",
    );
  }
  let ca: CaContext | undefined;
  let host: InProcessExitHost | undefined;
  let pacer: DeliveryPacer | undefined;
  // Deliveries go to the engine together, once per turn of this thread's event loop, and before the next call into a
  // module: a module stuck in a loop never lets the turn end, and the thread ended for it would take them along. A
  // call's outcome is taken as the call returns, not once the outbox has recorded it: the next call may block the
  // thread before it reads the store's answer (on PostgreSQL, a round trip).
  let records: DeliveryRecord[] = [];
  const flush = () => {
    if (records.length === 0) return;
    post({ type: 'delivered', records });
    records = [];
  };
  const deliver = (record: DeliveryRecord) => {
    if (records.length === 0) setImmediate(flush);
    records.push(record);
  };
  // The outcomes sent as their calls returned, which the outbox reports again once recorded.
  const sent = new WeakSet<DeliveryRecord>();
  port.on('message', (message: ToExitHostThread) => {
    if (message.type === 'ping') post({ type: 'pong', id: message.id });
    else if (message.type === 'stop' && host && ca) {
      const [stopping, opened] = [host, ca];
      void (async () => {
        try {
          pacer?.stop(); // the last deliveries and the shutdown event go at once
          await stopping.stop({ graceMs: message.graceMs, sendShutdownEvent: message.sendShutdownEvent });
        } finally {
          await opened.store.close();
          flush();
          post({ type: 'stopped' });
          port.close();
        }
      })();
    }
  });
  try {
    // Its own connection reads the requests and records the deliveries (the engine's writer yields to it, never
    // sleeps on the lock), and checkpoints the engine's log when the engine asks (SIGNAL_CHECKPOINT).
    // The composition is awaited only when the store's package must be imported: a CA folder that cannot be
    // opened says so first.
    const composition: Promise<Composition> =
      data.builtins === undefined ? Promise.resolve({ builtins: {} }) : _importComposition(data.builtins);
    composition.catch(() => undefined);
    ca = await openCa(data.dir, {
      store: { backgroundCheckpoints: false },
      templates: 'first-use',
      importModule: async (specifier) => ((await composition).importModule ?? _import)(specifier),
    });
    const store = ca.store;
    const composed = await composition;
    if (data.suspects) {
      logger.warn(
        { suspects: data.suspects.map((c) => `${c.progId} (context ${c.context})`) },
        'the previous exit-module thread died with several calls in flight: one call at a time until they are made again',
      );
    }
    const signals = new Int32Array(data.signals);
    let wakes = Atomics.load(signals, SIGNAL_WAKE);
    let checkpoints = Atomics.load(signals, SIGNAL_CHECKPOINT);
    pacer = createDeliveryPacer({
      engineBusy: () => Atomics.load(signals, SIGNAL_ENGINE_BUSY) === 1,
      share: data.shareUnderLoad,
      holdMs: data.holdUnderLoadMs,
      ...(data.suspects && { suspects: data.suspects }),
      onSample() {
        const now = Atomics.load(signals, SIGNAL_WAKE);
        if (now !== wakes) {
          wakes = now;
          host?.wake();
        }
        // Requests that came together make one checkpoint.
        const asked = Atomics.load(signals, SIGNAL_CHECKPOINT);
        if (asked !== checkpoints) {
          checkpoints = asked;
          store.walCheckpoints?.checkpoint();
        }
      },
    });
    host = await startInProcessExitHost(ca, {
      ...composed,
      logger,
      notifyTimeoutMs: data.notifyTimeoutMs,
      delivery: 'background',
      onDelivered(record) {
        // The shutdown event's deliveries come only this way.
        if (!sent.has(record)) deliver(record);
      },
      onCall(progId, context) {
        flush();
        const call = { progId, context };
        const forget = recordCall(data.calls, call);
        const ended = pacer?.callStarted(call);
        return (record) => {
          forget();
          ended?.();
          sent.add(record);
          deliver(record);
        };
      },
      pacer,
    });
    post({ type: 'ready', modules: host.modules, loadFailures: host.loadFailures });
  } catch (error) {
    await ca?.store.close().catch(() => undefined);
    post({ type: 'failed', error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
    port.close();
  }
}

/** A logger whose records go to the engine's logger; records below `level` are dropped here. */
function _forwardingLogger(
  post: (message: FromExitHostThread) => void,
  level: ThreadLogLevel,
  bindings: object,
): Logger & { child(more: object): Logger } {
  const lowest = THREAD_LOG_LEVELS.indexOf(level);
  const at = (recordLevel: ThreadLogLevel) => (obj: object, msg?: string) => {
    if (THREAD_LOG_LEVELS.indexOf(recordLevel) < lowest) return;
    const fields = { ...bindings, ...obj };
    try {
      post({ type: 'log', level: recordLevel, fields, ...(msg !== undefined && { message: msg }) });
    } catch {
      // A field that cannot be cloned (a function, a socket): send what JSON keeps of the record.
      post({
        type: 'log',
        level: recordLevel,
        fields: JSON.parse(_safeJson(fields)),
        ...(msg !== undefined && { message: msg }),
      });
    }
  };
  return {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    child: (more) => _forwardingLogger(post, level, { ...bindings, ...more }),
  };
}

function _safeJson(value: object): string {
  const seen = new WeakSet<object>();
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v instanceof Error) return { message: v.message, stack: v.stack };
    if (typeof v === 'object' && v !== null) {
      if (seen.has(v)) return '[circular]';
      seen.add(v);
    }
    return typeof v === 'function' || typeof v === 'symbol' ? String(v) : v;
  });
}

/** What the app composes into the exit-module thread. */
interface Composition {
  builtins: BuiltinExitModules;
  importModule?: ExitModuleImporter;
}

function _import(specifier: string): Promise<unknown> {
  return import(specifier);
}

/**
 * What the app composes in, from a module exporting `builtinExitModules()` (the app's bundle gives its own): the
 * factories, and `importExitModule(specifier)` when it exports one, so that registered packages resolve from the
 * app as they do on the engine's thread.
 */
async function _importComposition(url: string): Promise<Composition> {
  const imported = (await import(url)) as {
    builtinExitModules?: () => BuiltinExitModules;
    importExitModule?: ExitModuleImporter;
  };
  if (typeof imported.builtinExitModules !== 'function') throw new Error(`${url} does not export builtinExitModules()`);
  return {
    builtins: imported.builtinExitModules(),
    ...(typeof imported.importExitModule === 'function' && { importModule: imported.importExitModule }),
  };
}
