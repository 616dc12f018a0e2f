import { generateKeyPairSync, verify, type KeyObject } from 'node:crypto';
import type { JwtAlgorithm } from '../../config/auth.config.js';
import { signingParameters, type JwsSigningKey } from './compact-jws.js';
import { SIGNING_THREAD_SOURCE } from './signing-thread-source.js';
import { rsaSignaturesHeld, SigningThreadPool } from './signing-thread-pool.js';
import { niceOfThreadsStartedSince, threadNices } from '../../../test/support/thread-nices.js';

function keyPair(alg: JwtAlgorithm): { key: JwsSigningKey; publicKey: KeyObject } {
  const { privateKey, publicKey } =
    alg === 'RS256'
      ? generateKeyPairSync('rsa', { modulusLength: 2048 })
      : alg === 'ES256'
        ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
        : generateKeyPairSync('ed25519');
  return { key: { alg, keyObject: privateKey }, publicKey };
}

/** True when `jws` is `input` with a valid signature by `publicKey`. */
function signedBy(jws: string, input: string, alg: JwtAlgorithm, publicKey: KeyObject): boolean {
  const [header, payload, signature] = jws.split('.');
  if (`${header}.${payload}` !== input) return false;
  const { digest, dsaEncoding } = signingParameters(alg);
  const key = dsaEncoding ? { key: publicKey, dsaEncoding } : publicKey;
  return verify(digest, Buffer.from(input), key, Buffer.from(signature, 'base64url'));
}

const inputs = (count: number, tag = 'i') => Array.from({ length: count }, (_, i) => `aGVhZGVy.${Buffer.from(`${tag}-${i}`).toString('base64url')}`);

/** Resolves once a thread signs for the pool: until one is running, the pool signs on the event loop. */
async function started(pool: SigningThreadPool, key: JwsSigningKey): Promise<void> {
  for (;;) {
    const batches = pool.stats.batches;
    await pool.sign(inputs(1, 'warm-up')[0], key);
    if (pool.stats.batches > batches) return;
  }
}

/** A thread body that exits at once, before it can answer anything. */
const CRASH_ON_START = `process.exit(7);\n${SIGNING_THREAD_SOURCE}`;

/** A thread body that exits the thread, unanswered, when it is asked to sign `crash`. */
const CRASH_ON_REQUEST = `require('node:worker_threads').parentPort.on('message', (message) => {
  if (message.inputs.includes('crash')) process.exit(7);
});
${SIGNING_THREAD_SOURCE}`;

describe('SigningThreadPool', () => {
  let pool: SigningThreadPool | undefined;

  afterEach(async () => {
    await pool?.close();
    pool = undefined;
  });

  it('starts no thread before the first signature', () => {
    pool = new SigningThreadPool({ threads: 2 });
    expect(pool.stats.threads).toBe(0);
  });

  it.each<JwtAlgorithm>(['RS256', 'ES256', 'EdDSA'])('signs %s inputs on a thread with signatures the public key verifies', async (alg) => {
    const { key, publicKey } = keyPair(alg);
    pool = new SigningThreadPool({ threads: 1 });
    await started(pool, key);
    const before = pool.stats;
    const signed = await Promise.all(inputs(5).map((input) => pool!.sign(input, key)));
    expect(signed.map((jws, i) => signedBy(jws, inputs(5)[i], alg, publicKey))).toEqual([true, true, true, true, true]);
    expect(pool.stats.signatures - before.signatures).toBe(5);
    expect(pool.stats.signedOnEventLoop).toBe(before.signedOnEventLoop);
  });

  it('sends the inputs of one event-loop turn to an idle thread in two messages: the first at once, the rest together', async () => {
    const { key, publicKey } = keyPair('ES256');
    pool = new SigningThreadPool({ threads: 1 });
    await started(pool, key);
    const before = pool.stats;
    const batch = inputs(20);
    const signed = await Promise.all(batch.map((input) => pool!.sign(input, key)));
    expect(signed.every((jws, i) => signedBy(jws, batch[i], 'ES256', publicKey))).toBe(true);
    expect(pool.stats.batches - before.batches).toBe(2);
    expect(pool.stats.signatures - before.signatures).toBe(20);
  });

  it('gives RSA signatures out one per message, a few to a thread at a time, and keeps the rest waiting in the pool', async () => {
    const { key, publicKey } = keyPair('RS256');
    pool = new SigningThreadPool({ threads: 1 });
    await started(pool, key);
    const before = pool.stats;
    const turn = inputs(12, 'rsa');
    const signed = await Promise.all(turn.map((input) => pool!.sign(input, key)));
    expect(signed.every((jws, i) => signedBy(jws, turn[i], 'RS256', publicKey))).toBe(true);
    expect(pool.stats.batches - before.batches).toBe(12);
    expect(pool.stats.signedOnEventLoop).toBe(before.signedOnEventLoop);
    // Handed out a turn at a time, the thread would have held the eleven after the first at once.
    expect(pool.stats.mostHeld).toBeGreaterThanOrEqual(2);
    expect(pool.stats.mostHeld).toBeLessThanOrEqual(rsaSignaturesHeld(0.125));
    expect(pool.stats.mostHeld).toBeLessThan(11);
  });

  it('lets a thread hold about 2 ms of RSA signing: at least 2 signatures, at most 16', () => {
    expect(rsaSignaturesHeld(0.68)).toBe(3);
    expect(rsaSignaturesHeld(0.25)).toBe(8);
    expect(rsaSignaturesHeld(5)).toBe(2);
    expect(rsaSignaturesHeld(0.01)).toBe(16);
    expect(rsaSignaturesHeld()).toBe(4);
  });

  it('signs on the event loop the RSA signatures still waiting in the pool when it closes', async () => {
    const { key, publicKey } = keyPair('RS256');
    pool = new SigningThreadPool({ threads: 1 });
    await started(pool, key);
    const onLoopBefore = pool.stats.signedOnEventLoop;
    const queued = inputs(10, 'queued');
    const pending = queued.map((input) => pool!.sign(input, key));
    // The turn's inputs reach the pool's queue once the turn ends; close right after that.
    await new Promise((resolve) => setImmediate(resolve));
    await pool.close();
    const signed = await Promise.all(pending);
    expect(signed.every((jws, i) => signedBy(jws, queued[i], 'RS256', publicKey))).toBe(true);
    expect(pool.stats.signedOnEventLoop - onLoopBefore).toBeGreaterThanOrEqual(10 - rsaSignaturesHeld(0.125));
  });

  it('signs each input with the key it was given when keys change, within one turn and back again', async () => {
    const first = keyPair('ES256');
    const second = keyPair('ES256');
    pool = new SigningThreadPool({ threads: 1 });
    await started(pool, first.key);
    const mixed = inputs(12, 'mixed');
    const keyOf = (i: number) => (i % 3 === 0 ? second : first);
    const onLoopBefore = pool.stats.signedOnEventLoop;
    const signed = await Promise.all(mixed.map((input, i) => pool!.sign(input, keyOf(i).key)));
    expect(signed.every((jws, i) => signedBy(jws, mixed[i], 'ES256', keyOf(i).publicKey))).toBe(true);
    const back = inputs(3, 'back');
    const again = await Promise.all(back.map((input) => pool!.sign(input, first.key)));
    expect(again.every((jws, i) => signedBy(jws, back[i], 'ES256', first.publicKey))).toBe(true);
    expect(again.some((jws, i) => signedBy(jws, back[i], 'ES256', second.publicKey))).toBe(false);
    expect(pool.stats.signedOnEventLoop).toBe(onLoopBefore);
  });

  it('signs on the event loop what a crashed thread held, and keeps signing on a new thread', async () => {
    const { key, publicKey } = keyPair('EdDSA');
    pool = new SigningThreadPool({ threads: 1, source: CRASH_ON_REQUEST });
    await started(pool, key);
    const onLoopBefore = pool.stats.signedOnEventLoop;
    const held = ['crash', ...inputs(4, 'held')];
    const signed = await Promise.all(held.map((input) => pool!.sign(input, key)));
    expect(signed.every((jws, i) => jws.startsWith(`${held[i]}.`))).toBe(true);
    expect(signedBy(signed[1], held[1], 'EdDSA', publicKey)).toBe(true);
    expect(pool.stats.signedOnEventLoop - onLoopBefore).toBeGreaterThanOrEqual(1);
    const batchesBefore = pool.stats.batches;
    await started(pool, key);
    const after = inputs(3, 'after');
    const resigned = await Promise.all(after.map((input) => pool!.sign(input, key)));
    expect(resigned.every((jws, i) => signedBy(jws, after[i], 'EdDSA', publicKey))).toBe(true);
    expect(pool.stats.batches).toBeGreaterThan(batchesBefore);
    expect(pool.stats.threads).toBe(1);
  });

  it('stops starting threads after three exits in a row without an answer, and signs everything on the event loop', async () => {
    const { key, publicKey } = keyPair('ES256');
    pool = new SigningThreadPool({ threads: 1, source: CRASH_ON_START });
    // Each signature made while no thread runs starts one, which exits before it can answer.
    while (!pool.stats.gaveUp) await pool.sign(inputs(1, 'meanwhile')[0], key);
    const onLoopBefore = pool.stats.signedOnEventLoop;
    const later = inputs(4, 'later');
    const signed = await Promise.all(later.map((input) => pool!.sign(input, key)));
    expect(signed.every((jws, i) => signedBy(jws, later[i], 'ES256', publicKey))).toBe(true);
    expect(pool.stats.signedOnEventLoop - onLoopBefore).toBe(4);
    expect(pool.stats.threads).toBe(0);
  });

  it('on close, ends its threads and still answers what was in flight, then signs on the event loop', async () => {
    const { key, publicKey } = keyPair('RS256');
    pool = new SigningThreadPool({ threads: 2 });
    await started(pool, key);
    const inFlight = inputs(6, 'flight').map((input) => pool!.sign(input, key));
    await pool.close();
    expect(pool.stats.threads).toBe(0);
    const signed = await Promise.all(inFlight);
    expect(signed.every((jws, i) => signedBy(jws, inputs(6, 'flight')[i], 'RS256', publicKey))).toBe(true);
    const onLoopBefore = pool.stats.signedOnEventLoop;
    const late = await pool.sign(inputs(1, 'late')[0], key);
    expect(signedBy(late, inputs(1, 'late')[0], 'RS256', publicKey)).toBe(true);
    expect(pool.stats.signedOnEventLoop - onLoopBefore).toBe(1);
  });

  it.each([5, 0])('with nice %i, runs its threads that many steps below the event loop’s scheduling priority', async (nice) => {
    const { key } = keyPair('ES256');
    const before = threadNices();
    const eventLoop = before.get(process.pid)!;
    pool = new SigningThreadPool({ threads: 1, nice });
    await started(pool, key);
    const startedNices = niceOfThreadsStartedSince(before);
    expect(startedNices).toContain(Math.min(19, eventLoop + nice));
    expect(startedNices.filter((value) => value !== eventLoop && value !== Math.min(19, eventLoop + nice))).toEqual([]);
  });

  it('rejects, as signing on the event loop does, an input its key cannot sign', async () => {
    const { key } = keyPair('ES256');
    const { publicKey } = keyPair('ES256');
    pool = new SigningThreadPool({ threads: 1 });
    await started(pool, key);
    await expect(pool.sign(inputs(1)[0], { alg: 'ES256', keyObject: publicKey })).rejects.toThrow();
  });
});
