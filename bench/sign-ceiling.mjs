// The machine's ceiling for access-token signatures: how many JWS signatures per second
// this machine can make at all, on one core and on every core (one worker thread per
// core, each signing in a tight loop with node:crypto). No server can refresh faster than
// the all-core figure, and in a benchmark it also shares those cores with the HTTP work and
// the load generator.
import { generateKeyPairSync, sign } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';

const KEY_OPTIONS = {
  RS256: ['rsa', { modulusLength: 2048 }],
  ES256: ['ec', { namedCurve: 'P-256' }],
  EdDSA: ['ed25519', {}],
};

function signLoop(alg, seconds) {
  const [type, options] = KEY_OPTIONS[alg];
  const { privateKey } = generateKeyPairSync(type, options);
  // About the size of one of our access tokens' signing input.
  const input = Buffer.alloc(420, 0x61);
  const digest = alg === 'EdDSA' ? null : 'sha256';
  const dsa = alg === 'ES256' ? { key: privateKey, dsaEncoding: 'ieee-p1363' } : privateKey;
  let count = 0;
  const start = performance.now();
  const end = start + seconds * 1000;
  while (performance.now() < end) {
    for (let i = 0; i < 8; i++) sign(digest, input, dsa);
    count += 8;
  }
  return count / ((performance.now() - start) / 1000);
}

if (!isMainThread) {
  parentPort.postMessage(signLoop(workerData.alg, workerData.seconds));
}

function inWorker(alg, seconds) {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL(import.meta.url), { workerData: { alg, seconds } });
    worker.once('message', resolve);
    worker.once('error', reject);
  });
}

/** Signatures per second for `alg`: one thread alone, then `threads` threads at once. */
export async function signCeiling(alg, seconds = 2, threads = availableParallelism()) {
  const single = await inWorker(alg, seconds);
  const rates = await Promise.all(Array.from({ length: threads }, () => inWorker(alg, seconds)));
  const all = rates.reduce((sum, rate) => sum + rate, 0);
  return {
    alg,
    threads,
    seconds,
    one_core_per_s: Math.round(single),
    all_cores_per_s: Math.round(all),
    us_per_signature_one_core: Number((1e6 / single).toFixed(1)),
  };
}

if (isMainThread && import.meta.url === `file://${process.argv[1]}`) {
  const algs = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ['RS256', 'ES256'];
  for (const alg of algs) process.stdout.write(`${JSON.stringify(await signCeiling(alg))}\n`);
}
