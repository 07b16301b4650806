/**
 * Checkpoints the embedded store's write-ahead log from a worker thread with its own connection, so the fsyncs of
 * a checkpoint never stall the event loop that issues certificates.
 *
 * SQLite checkpoints automatically inside the COMMIT that takes the log past 1,000 pages: under issuance that was
 * two thirds of the time spent committing (bench/issuance.bench.mjs: 3,380 against 3,700 certificates a second).
 * A passive checkpoint from another connection copies committed pages to the database file while the writer goes
 * on, and the writer starts the log over once everything in it is copied.
 *
 * The thread starts only once the store has committed {@link START_AFTER_COMMITS} times, so a one-shot command
 * keeps SQLite's own checkpoints and starts no thread. While it runs, the writer's automatic checkpoint stays as a
 * backstop at {@link BACKSTOP_PAGES}; if the thread dies, the writer goes back to SQLite's default.
 *
 * A process that already runs another connection to the database on a thread of its own (serve's exit-module
 * thread) hands the checkpoints to it ({@link WalCheckpointer.delegate}) and starts no thread for them: an idle
 * worker thread costs about 13 MB of resident memory.
 */
import type { DatabaseSync } from 'node:sqlite';
import { Worker } from 'node:worker_threads';

/** Commits before the thread starts. */
const START_AFTER_COMMITS = 64;
/** Commits between checkpoint requests (one at a time). */
const EVERY_COMMITS = 16;
/** The writer's own automatic checkpoint while the thread runs (pages of 4 KiB: about 40 MB). */
const BACKSTOP_PAGES = 10_000;
/** SQLite's default automatic checkpoint. */
const DEFAULT_PAGES = 1_000;

/** The checkpointer of one store. */
export interface WalCheckpointer {
  /** Called after every COMMIT of the writer. */
  committed(): void;
  /**
   * From now on, every {@link EVERY_COMMITS} commits call `request` (which has another connection run
   * `PRAGMA wal_checkpoint(PASSIVE)`) instead of this checkpointer's own thread, which stops if it runs; the
   * writer's automatic checkpoint stays as the backstop. The function returned takes the checkpoints back: the
   * writer checkpoints itself again, SQLite's default way.
   */
  delegate(request: () => void): () => void;
  /** Stops the thread and closes its connection; call before closing the writer's. */
  close(): Promise<void>;
}

/** A checkpointer for the database in `file`, whose writer connection is `db`. */
export function createWalCheckpointer(db: DatabaseSync, file: string): WalCheckpointer {
  let commits = 0;
  let sinceRequest = 0;
  let worker: Worker | undefined;
  let requested = false;
  let closed = false;
  let delegated: (() => void) | undefined;

  const start = () => {
    const thread = new Worker(_PROGRAM, { eval: true, workerData: { file }, name: 'certexit WAL checkpointer' });
    thread.unref();
    thread.on('message', () => {
      requested = false;
    });
    const stopped = () => {
      if (worker !== thread) return;
      worker = undefined;
      requested = false;
      if (!closed) db.exec(`PRAGMA wal_autocheckpoint = ${DEFAULT_PAGES}`);
    };
    thread.on('error', stopped);
    thread.on('exit', stopped);
    db.exec(`PRAGMA wal_autocheckpoint = ${BACKSTOP_PAGES}`);
    worker = thread;
  };

  return {
    committed() {
      commits++;
      if (closed) return;
      if (delegated) {
        if (++sinceRequest < EVERY_COMMITS) return;
        sinceRequest = 0;
        delegated();
        return;
      }
      // Started once, after enough commits to be a server and not a one-shot command; never restarted after a
      // death (the writer's own checkpoints take over).
      if (!worker && commits === START_AFTER_COMMITS) start();
      if (!worker || requested || ++sinceRequest < EVERY_COMMITS) return;
      sinceRequest = 0;
      requested = true;
      worker.postMessage('checkpoint');
    },
    delegate(request) {
      const own = worker;
      worker = undefined;
      own?.postMessage('close'); // its connection closes, and the thread ends, on its own
      delegated = request;
      sinceRequest = 0;
      requested = false;
      if (!closed) db.exec(`PRAGMA wal_autocheckpoint = ${BACKSTOP_PAGES}`);
      return () => {
        if (delegated !== request) return;
        delegated = undefined;
        if (!closed) db.exec(`PRAGMA wal_autocheckpoint = ${DEFAULT_PAGES}`);
      };
    },
    async close() {
      closed = true;
      delegated = undefined;
      const thread = worker;
      worker = undefined;
      if (!thread) return;
      const exited = new Promise<void>((resolve) => thread.once('exit', () => resolve()));
      thread.ref(); // the process waits for the thread's connection to close
      thread.postMessage('close');
      await exited;
    },
  };
}

// The thread's program, as source text so it runs the same from `src` and from the bundle (see
// signature-thread-program.ts in @certexit/x509). Its connection syncs like the writer's (NORMAL: the log before a checkpoint,
// the database after it) and keeps the log file at most 64 MiB after a checkpoint.
const _PROGRAM = `'use strict';
const { parentPort, workerData } = process.getBuiltinModule('node:worker_threads');
const { DatabaseSync } = process.getBuiltinModule('node:sqlite');
const db = new DatabaseSync(workerData.file);
db.exec('PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000; PRAGMA journal_size_limit = 67108864;');
const checkpoint = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');
parentPort.on('message', (message) => {
  if (message === 'close') {
    db.close();
    parentPort.close();
    return;
  }
  // A full disk or an I/O error fails this checkpoint, not the thread: the next request tries again.
  try {
    parentPort.postMessage(checkpoint.get());
  } catch (error) {
    parentPort.postMessage({ error: String(error && error.message) });
  }
});
`;
