/**
 * The body of a signing thread, as plain JavaScript run with `new Worker(source, { eval: true })`:
 * no file path to resolve, so it runs the same from dist/ in a host's node_modules and under
 * Jest (which cannot load a .ts file in a worker thread).
 *
 * Protocol (one message each way per batch): `{ batch, keyId, key?, inputs }` in, where `key`
 * (`{ key: KeyObject, digest, dsaEncoding }`) comes only when this thread does not hold
 * `keyId` yet and replaces the key it held; `{ batch, signatures, ms }` out: `signatures` in
 * base64url, `null` for an input that could not be signed here (the pool then signs it on the
 * event loop and gets the real error there), and `ms` the time spent signing them.
 */
export const SIGNING_THREAD_SOURCE = `'use strict';
const { parentPort } = require('node:worker_threads');
const { sign } = require('node:crypto');
let held;
parentPort.on('message', (message) => {
  if (message.key) {
    const { key, digest, dsaEncoding } = message.key;
    held = { id: message.keyId, digest, key: dsaEncoding ? { key, dsaEncoding } : key };
  }
  const started = performance.now();
  const signatures = new Array(message.inputs.length).fill(null);
  if (held !== undefined && held.id === message.keyId) {
    for (let i = 0; i < message.inputs.length; i++) {
      try {
        signatures[i] = sign(held.digest, Buffer.from(message.inputs[i]), held.key).toString('base64url');
      } catch {
        // left null: signed again on the event loop, which reports the error
      }
    }
  }
  parentPort.postMessage({ batch: message.batch, signatures, ms: performance.now() - started });
});
`;
