/**
 * The program of the signature thread (see `signature-thread.ts`): plain JavaScript over `node:` built-ins, given
 * to the worker as source text so that it runs the same from `src` (tests) and from the bundle, with no file to
 * resolve and no build step of its own. Built-ins come from `process.getBuiltinModule`, not `require`: the source runs
 * as CommonJS, or as an ES module in a process started with `--input-type=module`.
 *
 * Protocol: the host posts arrays of jobs; the thread answers with arrays of results, each naming its job's `id`.
 * - `{ op: 'key', id, key }`: keep KeyObject `key` under `id` (no result).
 * - `{ op: 'sign', id, hash, data, keyId }` → `{ id, signature }` or `{ id, error }`.
 * - `{ op: 'verify', id, hash, data, spki, signature, options? }` → `{ id, ok }` (false for a signature that does
 *   not verify or is malformed) or `{ id, importError }` when `spki` is not a usable public key.
 *
 * Scheduling: shortest job first. Between jobs the thread takes in what the host posted meanwhile
 * (receiveMessageOnPort, without going back to its event loop) and makes signatures (about 22 µs for P-256) before
 * verifications (about 75 µs with the key import): a request about to be stored no longer waits behind requests
 * just arrived, which left the host's event loop idle a fifth of the time.
 * Results go back as they are ready, in groups made within about 40 µs: answering a whole batch at once made the
 * requests behind it move in lock step, and one message per result costs the host more.
 * The public key is imported from PEM text: Node 24 tells a KeyObject from an options object such as
 * `{ key, format: 'der', type: 'spki' }` by catching an exception, which makes a DER import cost twice as much.
 */
export const SIGNATURE_THREAD_PROGRAM = `'use strict';
const { parentPort, receiveMessageOnPort } = process.getBuiltinModule('node:worker_threads');
const { createPublicKey, sign, verify } = process.getBuiltinModule('node:crypto');
const keys = new Map();
const signs = [];
const verifications = [];
const message = (error) => String((error && error.message) || error);
const take = (jobs) => {
  for (const job of jobs) {
    if (job.op === 'key') keys.set(job.id, job.key);
    else if (job.op === 'sign') signs.push(job);
    else verifications.push(job);
  }
};
const run = (job) => {
  if (job.op === 'sign') {
    try {
      return { id: job.id, signature: sign(job.hash, job.data, keys.get(job.keyId)) };
    } catch (error) {
      return { id: job.id, error: message(error) };
    }
  }
  let key;
  try {
    const base64 = Buffer.from(job.spki.buffer, job.spki.byteOffset, job.spki.byteLength).toString('base64');
    key = createPublicKey('-----BEGIN PUBLIC KEY-----\\n' + base64 + '\\n-----END PUBLIC KEY-----\\n');
  } catch (error) {
    return { id: job.id, importError: message(error) };
  }
  try {
    return { id: job.id, ok: verify(job.hash, job.data, job.options ? { key, ...job.options } : key, job.signature) };
  } catch {
    return { id: job.id, ok: false };
  }
};
parentPort.on('message', (jobs) => {
  take(jobs);
  let results = [];
  let since = performance.now();
  for (;;) {
    for (let more = receiveMessageOnPort(parentPort); more; more = receiveMessageOnPort(parentPort)) take(more.message);
    const job = signs.length > 0 ? signs.shift() : verifications.shift();
    if (job === undefined) break;
    results.push(run(job));
    if (performance.now() - since >= 0.04) {
      parentPort.postMessage(results);
      results = [];
      since = performance.now();
    }
  }
  if (results.length > 0) parentPort.postMessage(results);
});
`;
