import { Logger } from '@nestjs/common';
import type { KeyObject } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { lowerPriorityPrelude } from '../../common/thread-priority.js';
import { signOnEventLoop, signingParameters, type JwsSigningKey } from './compact-jws.js';
import { SIGNING_THREAD_SOURCE } from './signing-thread-source.js';

/**
 * Below this many signatures, one message to a thread costs the event loop more than it
 * saves: a thread counts as busy once it holds that many, and a batch is only split across
 * threads in parts at least that large. An RSA signature is worth a message of its own.
 */
const MIN_SIGNATURES_PER_MESSAGE: Record<JwsSigningKey['alg'], number> = { RS256: 1, ES256: 8, EdDSA: 8 };

/**
 * RSA signatures a thread holds at once: about this many milliseconds of signing, as the
 * thread's clock sees it (a thread that shares its core signs slower and holds fewer). An RSA
 * signature costs far more than a message, so a thread gets a few, enough to keep it busy
 * while the event loop finishes a turn, and the rest wait in the pool, first come first
 * served, for the first thread with room. Handed out a turn at a time, as the cheap
 * signatures still are, requests waited behind whatever their thread held: at RS256 C=32 on
 * 2 cores, p99 was 66–74 ms against 39–41 ms now, the peer's own (bench/RESULTS.md, round
 * fourteen). The price is a message each way per signature.
 */
const RSA_WORK_HELD_MS = 2;
/** What an RSA signature is taken to cost until the threads have timed some. */
const RSA_SIGNATURE_MS_GUESS = 0.5;

/** How many RSA signatures a thread holds at once, given what one takes (ms): at least 2, so it never waits for the next, and at most 16. */
export function rsaSignaturesHeld(signatureMs: number = RSA_SIGNATURE_MS_GUESS): number {
  return Math.min(16, Math.max(2, Math.round(RSA_WORK_HELD_MS / signatureMs)));
}

/** Threads that exit this many times in a row without answering: the pool stops using threads. */
const MAX_CONSECUTIVE_FAILURES = 3;

export interface SigningThreadPoolOptions {
  /** At most this many threads; they are started as the load needs them. */
  threads: number;
  /** The thread body (tests wrap it to make a thread fail). */
  source?: string;
  /** How many steps below the event loop's scheduling priority the threads run (see lowerPriorityPrelude); 0 by default. */
  nice?: number;
}

interface Job {
  input: string;
  key: JwsSigningKey;
  keyId: number;
  resolve: (jws: string) => void;
  reject: (error: Error) => void;
}

/** A thread's answer to one message: a signature or null per input, and the time spent signing them (ms). */
interface SigningAnswer {
  batch: number;
  signatures: (string | null)[];
  ms?: number;
}

interface SigningThread {
  worker: Worker;
  online: boolean;
  /** The key this thread holds: sent with the first batch that needs it. */
  heldKeyId?: number;
  batches: Map<number, Job[]>;
  /** Signatures sent and not answered yet. */
  pending: number;
  exitReason?: string;
}

/**
 * Signs JWS inputs on worker threads, so that signing is not event-loop time for any
 * algorithm. Handing a signature to a thread and taking it back costs the event loop about
 * as much as an ES256 signature itself, so the inputs that arrive in one turn of the event
 * loop go to a thread as one message and come back as one. RSA signatures instead go one per
 * message, a few to each thread at a time, the rest waiting in the pool's queue in order of
 * arrival (rsaSignaturesHeld). When every thread is idle, the first input goes at once, so
 * the signature is made while the caller's database transaction runs (a single request waits
 * no longer than before).
 *
 * No request depends on a thread's health: whatever a thread does not answer (it crashed,
 * or the pool was closed) is signed on the event loop instead, so a rotation that already
 * committed still gets its access token.
 */
export class SigningThreadPool {
  private readonly logger = new Logger(SigningThreadPool.name);
  private readonly threads: SigningThread[] = [];
  private readonly keyIds = new WeakMap<KeyObject, number>();
  private queue: Job[] = [];
  /** RSA jobs waiting for a thread with room (rsaSignaturesHeld), oldest first. */
  private waiting: Job[] = [];
  /** What an RSA signature took on the threads, a moving average (ms); undefined until timed. */
  private rsaSignatureMs: number | undefined;
  private mostHeld = 0;
  private flushScheduled = false;
  private nextKeyId = 1;
  private nextBatch = 1;
  private consecutiveFailures = 0;
  private closed = false;
  private disabled = false;
  private readonly counters = { batches: 0, signatures: 0, signedOnEventLoop: 0 };

  constructor(private readonly options: SigningThreadPoolOptions) {
    if (options.threads < 1) throw new Error('A signing thread pool needs at least one thread');
  }

  /** Messages sent to threads, signatures they were asked for, signatures made on the event loop instead, and the most signatures one thread held at once. */
  get stats(): { batches: number; signatures: number; signedOnEventLoop: number; threads: number; gaveUp: boolean; mostHeld: number } {
    return { ...this.counters, threads: this.threads.length, gaveUp: this.disabled, mostHeld: this.mostHeld };
  }

  /** The compact JWS over `input` (`base64url(header).base64url(payload)`). */
  sign(input: string, key: JwsSigningKey): Promise<string> {
    if (this.closed || this.disabled) return this.signOnEventLoop(input, key);
    return new Promise((resolve, reject) => {
      this.queue.push({ input, key, keyId: this.keyId(key.keyObject), resolve, reject });
      if (this.flushScheduled) return;
      if (this.queue.length === 1 && this.threads.some((thread) => thread.online && thread.pending === 0)) {
        this.flush();
      } else {
        this.flushScheduled = true;
        setImmediate(this.flush);
      }
    });
  }

  /** Ends every thread; what they had not answered, and whatever comes later, is signed on the event loop. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.threads.map((thread) => thread.worker.terminate()));
    this.handOut();
    this.flush();
  }

  private readonly flush = (): void => {
    this.flushScheduled = false;
    const jobs = this.queue;
    if (jobs.length === 0) return;
    this.queue = [];
    if (this.closed || this.disabled) {
      for (const job of jobs) this.signJobOnEventLoop(job);
      return;
    }
    const byKey = new Map<number, Job[]>();
    for (const job of jobs) {
      const group = byKey.get(job.keyId);
      if (group) group.push(job);
      else byKey.set(job.keyId, [job]);
    }
    for (const group of byKey.values()) this.dispatch(group);
  };

  /**
   * Sends one key's jobs to the least loaded threads, in as few messages as pay. Threads are
   * started when every running one is busy (the first at the first signature), so an idle
   * process holds none; until one runs, its jobs are signed on the event loop.
   */
  private dispatch(jobs: Job[]): void {
    const minimum = MIN_SIGNATURES_PER_MESSAGE[jobs[0].key.alg];
    const online = this.threads.filter((thread) => thread.online);
    if (this.threads.length < this.options.threads && online.length === this.threads.length && online.every((thread) => thread.pending >= minimum)) {
      this.start();
    }
    if (online.length === 0) {
      for (const job of jobs) this.signJobOnEventLoop(job);
      return;
    }
    if (jobs[0].key.alg === 'RS256') {
      for (const job of jobs) this.waiting.push(job);
      this.handOut();
      return;
    }
    online.sort((a, b) => a.pending - b.pending);
    const parts = Math.min(online.length, Math.ceil(jobs.length / minimum));
    const size = Math.ceil(jobs.length / parts);
    for (let part = 0; part < parts; part++) {
      const slice = jobs.slice(part * size, (part + 1) * size);
      if (slice.length > 0) this.send(online[part], slice);
    }
  }

  /**
   * Gives the waiting RSA jobs, oldest first and one per message, to the least loaded threads
   * with room. With no thread left to give them to (closed, given up, or all exited), they
   * are signed on the event loop.
   */
  private handOut(): void {
    if (this.closed || this.disabled || this.threads.length === 0) {
      const jobs = this.waiting;
      this.waiting = [];
      for (const job of jobs) this.signJobOnEventLoop(job);
      return;
    }
    const limit = rsaSignaturesHeld(this.rsaSignatureMs);
    let next = 0;
    while (next < this.waiting.length) {
      let roomiest: SigningThread | undefined;
      for (const thread of this.threads) {
        if (thread.online && thread.pending < limit && (roomiest === undefined || thread.pending < roomiest.pending)) roomiest = thread;
      }
      if (roomiest === undefined) break;
      this.send(roomiest, [this.waiting[next++]]);
    }
    if (next > 0) this.waiting = this.waiting.slice(next);
  }

  private send(thread: SigningThread, jobs: Job[]): void {
    const batch = this.nextBatch++;
    const { keyId, key } = jobs[0];
    const message: { batch: number; keyId: number; inputs: string[]; key?: object } = { batch, keyId, inputs: jobs.map((job) => job.input) };
    if (thread.heldKeyId !== keyId) message.key = { key: key.keyObject, ...signingParameters(key.alg) };
    try {
      thread.worker.postMessage(message);
    } catch {
      for (const job of jobs) this.signJobOnEventLoop(job);
      return;
    }
    thread.heldKeyId = keyId;
    thread.batches.set(batch, jobs);
    // A thread with signatures outstanding keeps the process alive; an idle one does not.
    if (thread.pending === 0) thread.worker.ref();
    thread.pending += jobs.length;
    this.mostHeld = Math.max(this.mostHeld, thread.pending);
    this.counters.batches++;
    this.counters.signatures += jobs.length;
  }

  private start(): void {
    // The thread needs none of the environment's secrets, so it gets no copy of them.
    const source = lowerPriorityPrelude(this.options.nice ?? 0) + (this.options.source ?? SIGNING_THREAD_SOURCE);
    const worker = new Worker(source, { eval: true, env: {} });
    worker.unref();
    const thread: SigningThread = { worker, online: false, batches: new Map(), pending: 0 };
    this.threads.push(thread);
    worker.on('online', () => {
      thread.online = true;
      this.handOut();
    });
    worker.on('message', (answer: SigningAnswer) => this.answered(thread, answer));
    // Without a listener an error in the thread would be thrown on the event loop.
    worker.on('error', (error: Error) => {
      thread.exitReason = error.name;
    });
    worker.on('exit', (code) => this.exited(thread, code));
  }

  private answered(thread: SigningThread, { batch, signatures, ms }: SigningAnswer): void {
    const jobs = thread.batches.get(batch);
    if (!jobs) return;
    if (jobs[0].key.alg === 'RS256' && typeof ms === 'number' && Number.isFinite(ms) && ms >= 0) {
      const each = ms / jobs.length;
      this.rsaSignatureMs = this.rsaSignatureMs === undefined ? each : 0.9 * this.rsaSignatureMs + 0.1 * each;
    }
    thread.batches.delete(batch);
    thread.pending -= jobs.length;
    if (thread.pending === 0) thread.worker.unref();
    this.consecutiveFailures = 0;
    for (let i = 0; i < jobs.length; i++) {
      const signature = signatures[i];
      if (typeof signature === 'string') jobs[i].resolve(`${jobs[i].input}.${signature}`);
      else this.signJobOnEventLoop(jobs[i]);
    }
    if (this.waiting.length > 0) this.handOut();
  }

  private exited(thread: SigningThread, code: number): void {
    this.threads.splice(this.threads.indexOf(thread), 1);
    const unanswered = [...thread.batches.values()].flat();
    thread.batches.clear();
    if (!this.closed && !this.disabled) {
      this.consecutiveFailures++;
      this.logger.warn(
        `A signing thread exited (${thread.exitReason ?? `code ${code}`}); ${unanswered.length} signature(s) it held are made on the event loop`,
      );
      if (this.consecutiveFailures >= MAX_CONSECUTIVE_FAILURES) {
        this.disabled = true;
        this.logger.error(`Signing threads failed ${MAX_CONSECUTIVE_FAILURES} times in a row; signing on the event loop from now on`);
        for (const other of this.threads) void other.worker.terminate();
      }
    }
    for (const job of unanswered) this.signJobOnEventLoop(job);
    if (this.waiting.length > 0) this.handOut();
  }

  private keyId(keyObject: KeyObject): number {
    let id = this.keyIds.get(keyObject);
    if (id === undefined) {
      id = this.nextKeyId++;
      this.keyIds.set(keyObject, id);
    }
    return id;
  }

  private signJobOnEventLoop(job: Job): void {
    this.signOnEventLoop(job.input, job.key).then(job.resolve, job.reject);
  }

  private signOnEventLoop(input: string, key: JwsSigningKey): Promise<string> {
    this.counters.signedOnEventLoop++;
    return signOnEventLoop(input, key);
  }
}
