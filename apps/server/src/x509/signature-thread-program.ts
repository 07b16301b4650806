/**
 * The program of the signature thread (see `signature-thread.ts`): plain JavaScript over `node:` built-ins, given
 * to the worker as source text so that it runs the same from `src` (tests) and from the bundle, with no file to
 * resolve and no build step of its own.
 *
 * Protocol, one message per batch each way: the host posts an array of jobs, the thread answers with an array of
 * results in the same order (a `key` job registers a signing key and has no result).
 * - `{ op: 'key', id, key }`: keep KeyObject `key` under `id`.
 * - `{ op: 'sign', hash, data, keyId }` → `{ signature }` or `{ error }`.
 * - `{ op: 'verify', hash, data, spki, signature, options? }` → `{ ok }` (false for a signature that does not
 *   verify or is malformed) or `{ importError }` when `spki` is not a usable public key.
 * Results go back as they are ready, in groups made within about 40 µs: answering a whole batch at once made the
 * requests behind it move in lock step (the event loop idled while this thread worked, and the other way round:
 * issuance ran at 3,050/s against 3,630/s streamed), and one message per result costs the event loop more.
 * The public key is imported from PEM text: Node 24 tells a KeyObject from an options object such as
 * `{ key, format: 'der', type: 'spki' }` by catching an exception, which makes a DER import cost twice as much.
 */
export const SIGNATURE_THREAD_PROGRAM = `'use strict';
const { parentPort } = require('node:worker_threads');
const { createPublicKey, sign, verify } = require('node:crypto');
const keys = new Map();
const message = (error) => String((error && error.message) || error);
parentPort.on('message', (jobs) => {
  let results = [];
  let since = performance.now();
  for (const job of jobs) {
    if (results.length > 0 && performance.now() - since >= 0.04) {
      parentPort.postMessage(results);
      results = [];
      since = performance.now();
    }
    if (job.op === 'key') {
      keys.set(job.id, job.key);
    } else if (job.op === 'sign') {
      try {
        results.push({ signature: sign(job.hash, job.data, keys.get(job.keyId)) });
      } catch (error) {
        results.push({ error: message(error) });
      }
    } else {
      let key;
      try {
        const base64 = Buffer.from(job.spki.buffer, job.spki.byteOffset, job.spki.byteLength).toString('base64');
        key = createPublicKey('-----BEGIN PUBLIC KEY-----\\n' + base64 + '\\n-----END PUBLIC KEY-----\\n');
      } catch (error) {
        results.push({ importError: message(error) });
        continue;
      }
      try {
        results.push({ ok: verify(job.hash, job.data, job.options ? { key, ...job.options } : key, job.signature) });
      } catch {
        results.push({ ok: false });
      }
    }
  }
  if (results.length > 0) parentPort.postMessage(results);
});
`;
