/**
 * The signature thread: one worker thread that makes and checks every signature of the process, so the event
 * loop, which encodes and stores certificates, never waits on elliptic-curve or RSA arithmetic.
 *
 * Why a worker of its own and not node:crypto's callback forms (libuv's thread pool): measured on the 2-core
 * benchmark machine, a pool hand-off costs the event loop about 17 µs per operation, as much as a P-256 signature
 * itself, and the pool's 4 threads compete with the event loop for the cores. Jobs sent here in batches cost the
 * event loop under 5 µs per certificate (request verify and certificate signature together, key import included),
 * and RSA-4096 or P-384 operations of a millisecond or more never hold it.
 *
 * The thread starts on first use and keeps the process alive only while jobs are pending. If it dies, pending jobs
 * go to a fresh thread; a job that was pending through three deaths fails with an error saying so.
 */
import type { KeyObject } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { SIGNATURE_THREAD_PROGRAM } from './signature-thread-program';

/** What a verification needs; `spki` is the signer's DER SubjectPublicKeyInfo. */
export interface SignatureCheck {
  hash: string | null;
  data: Uint8Array;
  spki: Uint8Array;
  signature: Uint8Array;
  /** RSA-PSS padding and salt length. */
  options?: { padding: number; saltLength: number };
}

/** Outcome of {@link verifyOnSignatureThread}: whether it verifies, or why the key could not be used. */
export type SignatureCheckResult = { ok: boolean } | { importError: string };

/** Signs `data` with `key` (ECDSA signatures come DER-encoded, as X.509 wants). */
export function signOnSignatureThread(hash: string | null, data: Uint8Array, key: KeyObject): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    _submit({
      job: { op: 'sign', hash, data: _own(data), key },
      crashes: 0,
      settle: (result) => {
        if ('signature' in result) resolve(result.signature);
        else reject(new Error(`signing failed: ${'error' in result ? result.error : 'no signature'}`));
      },
      fail: reject,
    });
  });
}

/** Checks a signature against a DER SubjectPublicKeyInfo. */
export function verifyOnSignatureThread(check: SignatureCheck): Promise<SignatureCheckResult> {
  return new Promise((resolve, reject) => {
    _submit({
      job: {
        op: 'verify',
        hash: check.hash,
        data: _own(check.data),
        spki: _own(check.spki),
        signature: _own(check.signature),
        ...(check.options && { options: check.options }),
      },
      crashes: 0,
      settle: (result) => resolve('importError' in result ? result : { ok: 'ok' in result && result.ok === true }),
      fail: reject,
    });
  });
}

type _Job =
  | { op: 'sign'; hash: string | null; data: Uint8Array; key: KeyObject }
  | {
      op: 'verify';
      hash: string | null;
      data: Uint8Array;
      spki: Uint8Array;
      signature: Uint8Array;
      options?: { padding: number; saltLength: number };
    };
type _Result = { id: number } & (
  | { signature: Uint8Array }
  | { error: string }
  | { ok: boolean }
  | { importError: string }
);
interface _Pending {
  job: _Job;
  crashes: number;
  settle: (result: _Result) => void;
  fail: (error: Error) => void;
}
interface _Thread {
  worker: Worker;
  /** Posted, awaiting their results, by job id. */
  posted: Map<number, _Pending>;
  /** Waiting for the next batch. */
  outgoing: _Pending[];
  flushQueued: boolean;
  /** Signing keys this thread already holds. */
  keyIds: Set<number>;
}

const _MAX_CRASHES = 3;
let _thread: _Thread | undefined;
const _keyIds = new WeakMap<KeyObject, number>();
let _nextKeyId = 1;
let _nextJobId = 1;

function _submit(pending: _Pending): void {
  const thread = _thread ?? _start();
  if (thread.posted.size === 0 && thread.outgoing.length === 0) thread.worker.ref();
  thread.outgoing.push(pending);
  // The jobs queued during this turn of the event loop go together in one message, at its check phase: one message
  // costs the event loop less than several, and a server's requests arrive one socket read at a time, each its own
  // callback, so a flush per callback (a microtask) would post one message per request.
  if (!thread.flushQueued) {
    thread.flushQueued = true;
    setImmediate(() => {
      thread.flushQueued = false;
      _flush(thread);
    });
  }
}

/**
 * The thread's old-generation limit (MB). It holds the keys it imported and the jobs in flight (inputs over 1 MiB
 * stay on the caller's thread), a few megabytes. Without a limit V8 sizes the heap for the host (gigabytes) and lets
 * it grow to four times what survives a collection before the next; at 256 MB it grows by 1.3 times, and a thread
 * that ran out would be replaced like one that died.
 */
const _MAX_OLD_GENERATION_MB = 256;

function _start(): _Thread {
  const worker = new Worker(SIGNATURE_THREAD_PROGRAM, {
    eval: true,
    name: 'certexit signature thread',
    resourceLimits: { maxOldGenerationSizeMb: _MAX_OLD_GENERATION_MB },
  });
  const thread: _Thread = { worker, posted: new Map(), outgoing: [], flushQueued: false, keyIds: new Set() };
  worker.unref();
  worker.on('message', (results: _Result[]) => {
    for (const result of results) {
      const pending = thread.posted.get(result.id);
      thread.posted.delete(result.id);
      pending?.settle(result);
    }
    if (thread.posted.size === 0 && thread.outgoing.length === 0) worker.unref();
  });
  const died = (why: string) => {
    if (_thread !== thread) return;
    _thread = undefined;
    for (const pending of [...thread.posted.values(), ...thread.outgoing]) {
      pending.crashes++;
      if (pending.crashes >= _MAX_CRASHES) {
        pending.fail(new Error(`the signature thread stopped ${pending.crashes} times with this job pending: ${why}`));
      } else _submit(pending);
    }
  };
  worker.on('error', (error) => died(error.message));
  worker.on('exit', (code) => died(`exit code ${code}`));
  _thread = thread;
  return thread;
}

function _flush(thread: _Thread): void {
  if (_thread !== thread || thread.outgoing.length === 0) return;
  const batch = thread.outgoing.splice(0);
  const message: unknown[] = [];
  for (const pending of batch) {
    const { job } = pending;
    const jobId = _nextJobId++;
    if (job.op === 'sign') {
      let id = _keyIds.get(job.key);
      if (id === undefined) {
        id = _nextKeyId++;
        _keyIds.set(job.key, id);
      }
      if (!thread.keyIds.has(id)) {
        message.push({ op: 'key', id, key: job.key });
        thread.keyIds.add(id);
      }
      message.push({ op: 'sign', id: jobId, hash: job.hash, data: job.data, keyId: id });
    } else message.push({ ...job, id: jobId });
    thread.posted.set(jobId, pending);
  }
  thread.worker.postMessage(message);
}

/**
 * `bytes`, or a copy when it is a view into a larger buffer: posting a view copies the whole buffer behind it (a
 * CRL's to-be-signed part is a view into the encoder's buffer; a request's into the one it was received in).
 */
function _own(bytes: Uint8Array): Uint8Array {
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : new Uint8Array(bytes);
}

/** For tests: ends the current thread as a crash would, with its jobs pending. */
export function terminateSignatureThreadForTest(): Promise<number> | undefined {
  return _thread?.worker.terminate();
}
