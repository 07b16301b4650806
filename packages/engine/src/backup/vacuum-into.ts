import { Worker } from 'node:worker_threads';

// A worker of its own: `VACUUM INTO` of a large database takes seconds, during which a server in this process
// goes on answering (node:sqlite is synchronous).
const _WORKER = `
const { workerData, parentPort } = process.getBuiltinModule('node:worker_threads');
const { DatabaseSync } = process.getBuiltinModule('node:sqlite');
const db = new DatabaseSync(workerData.source);
try {
  db.exec('PRAGMA busy_timeout = 10000');
  db.prepare('VACUUM INTO ?').run(workerData.target);
  parentPort.postMessage({ ok: true });
} catch (error) {
  parentPort.postMessage({ ok: false, message: error.message });
} finally {
  db.close();
}
`;

/**
 * Copies a SQLite database with `VACUUM INTO`, on a connection of its own in a worker thread: one read
 * transaction, so the copy is the database as of one commit while writers (WAL) go on.
 */
export function vacuumInto(source: string, target: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(_WORKER, { eval: true, workerData: { source, target } });
    worker.once('message', (m: { ok: boolean; message?: string }) =>
      m.ok ? resolve() : reject(new Error(`cannot copy ${source}: ${m.message}`)),
    );
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`the database copy stopped (exit code ${code})`));
    });
  });
}
