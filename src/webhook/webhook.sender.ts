import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { Worker } from 'node:worker_threads';
import { stopThread } from '../common/stop-thread.js';
import { lowerPriorityPrelude } from '../common/thread-priority.js';
import { webhookConfig, type WebhookConfig } from '../config/webhook.config.js';
import type { CheckedTarget } from './webhook-target.policy.js';

/** At most this much of a receiver's answer is read and kept. */
export const MAX_RESPONSE_BODY_BYTES = 2048;
export const WEBHOOK_USER_AGENT = 'refresh-token-service-webhooks/1';

/** Connection pools kept for recently used targets; an idle one beyond this is closed. */
const MAX_POOLS = 64;
/** An idle kept-alive connection is closed after this long. */
const IDLE_CONNECTION_MS = 4_000;

export interface SendResult {
  statusCode: number | null;
  retryAfter: string | null;
  responseBody: string | null;
  error: string | null;
  durationMs: number;
}

interface SendRequest {
  id: number;
  url: string;
  /** The checked address to connect to; null for an allowed host. */
  address: string | null;
  family: 4 | 6 | null;
  headers: Record<string, string>;
  body: string;
}

/**
 * The HTTP exchanges, on a thread of their own (plain JavaScript: it runs from source in
 * tests too). Connections are kept alive in one pool per target and checked address; a
 * pool's lookup answers only with that address, so a reused connection goes where this
 * attempt's check said it may, and a target that now resolves elsewhere gets another pool.
 */
const SENDER_THREAD_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const http = require('node:http');
const https = require('node:https');
const { maxBodyBytes, maxPools, idleConnectionMs, maxSockets, timeoutMs } = workerData;
const pools = new Map();
const active = new Set();
let answers = [];

function answer(result) {
  if (answers.push(result) === 1) setImmediate(() => { const batch = answers; answers = []; parentPort.postMessage(batch); });
}

function pinnedLookup(address, family) {
  return (_hostname, options, callback) => {
    if (options && options.all) callback(null, [{ address, family }]);
    else callback(null, address, family);
  };
}

function poolFor(url, address, family) {
  const key = url.protocol + '//' + url.host + ' ' + (address || '');
  let pool = pools.get(key);
  if (pool) {
    pools.delete(key);
    pools.set(key, pool);
    return pool;
  }
  const options = { keepAlive: true, timeout: idleConnectionMs, maxSockets, scheduling: 'lifo' };
  if (address) options.lookup = pinnedLookup(address, family);
  pool = url.protocol === 'https:' ? new https.Agent(options) : new http.Agent(options);
  pools.set(key, pool);
  if (pools.size > maxPools) {
    // The oldest idle pool; one with requests in flight is kept (there are at most maxSockets of those).
    for (const [oldKey, old] of pools) {
      if (Object.keys(old.sockets).length > 0 || Object.keys(old.requests).length > 0) continue;
      old.destroy();
      pools.delete(oldKey);
      break;
    }
  }
  return pool;
}

function describe(error) {
  const text = error.code ? error.code + ': ' + (error.message || '') : (error.message || String(error));
  return text.slice(0, 500);
}

function send({ id, url: rawUrl, address, family, headers, body }) {
  const started = performance.now();
  const url = new URL(rawUrl);
  const secure = url.protocol === 'https:';
  const pool = poolFor(url, address, family);
  let request;
  let settled = false;
  // Set once the status line arrived: from then on the status decides, and a stalled body only ends the reading.
  let answered;
  const finish = (result) => {
    if (settled) return;
    settled = true;
    clearTimeout(timer);
    active.delete(stop);
    answer({ id, ...result, durationMs: Math.round(performance.now() - started) });
  };
  const fail = (error) => finish({ statusCode: null, retryAfter: null, responseBody: null, error });
  function stop(error) {
    if (answered) answered();
    else fail(error);
    if (request) request.destroy();
  }
  const timer = setTimeout(() => stop('timeout: no complete answer in time'), timeoutMs);
  active.add(stop);

  const post = (mayRetryStale) => {
    const current = (secure ? https : http).request(url, { method: 'POST', agent: pool, headers });
    request = current;
    current.on('response', (response) => {
      const chunks = [];
      let size = 0;
      const retryAfter = response.headers['retry-after'];
      answered = () => finish({
        statusCode: response.statusCode ?? null,
        retryAfter: typeof retryAfter === 'string' ? retryAfter : null,
        responseBody: Buffer.concat(chunks).subarray(0, maxBodyBytes).toString('utf8'),
        error: null,
      });
      response.on('data', (chunk) => {
        chunks.push(chunk);
        size += chunk.length;
        if (size >= maxBodyBytes) {
          answered();
          response.destroy();
        }
      });
      // A complete answer leaves the connection to the pool; one that breaks off ends the reading.
      response.on('end', () => answered());
      response.on('close', () => answered());
      response.on('error', () => answered());
    });
    current.on('error', (error) => {
      if (answered) return;
      // A kept-alive connection the receiver closed meanwhile: the request never reached it.
      if (mayRetryStale && current.reusedSocket && (error.code === 'ECONNRESET' || error.code === 'EPIPE')) return post(false);
      fail(describe(error));
    });
    current.end(body);
  };
  post(true);
}

parentPort.on('message', (message) => {
  if (message === 'interrupt') {
    for (const stop of [...active]) stop('interrupted: the dispatcher is stopping');
    return;
  }
  if (message === 'close') {
    for (const pool of pools.values()) pool.destroy();
    parentPort.close();
    return;
  }
  for (const request of message) send(request);
});
`;

/**
 * One HTTP POST to a receiver: no redirects, no proxy, a hard timeout over the whole
 * exchange, and a connection pinned to the address the SSRF check approved. The exchange
 * runs on the sender thread, off the event loop that answers refreshes; requests and
 * answers cross in batches, one message per turn of either loop.
 */
@Injectable()
export class WebhookSender implements OnApplicationShutdown {
  private readonly logger = new Logger(WebhookSender.name);
  private thread: Worker | undefined;
  private readonly waiting = new Map<number, (result: SendResult) => void>();
  private queued: SendRequest[] = [];
  private lastId = 0;

  constructor(@Inject(webhookConfig.KEY) private readonly config: WebhookConfig) {}

  send(target: CheckedTarget, headers: Record<string, string>, body: string): Promise<SendResult> {
    const id = ++this.lastId;
    const request: SendRequest = {
      id,
      url: target.url.href,
      address: target.address?.address ?? null,
      family: target.address?.family ?? null,
      headers: { ...headers, 'user-agent': WEBHOOK_USER_AGENT, 'content-length': String(Buffer.byteLength(body)) },
      body,
    };
    return new Promise<SendResult>((resolve) => {
      this.waiting.set(id, resolve);
      // Referenced only while answers are awaited, so an idle sender never keeps the process alive.
      if (this.waiting.size === 1) this.senderThread().ref();
      if (this.queued.push(request) === 1) setImmediate(() => this.postQueued());
    });
  }

  /** Ends every exchange in flight now; each answers "interrupted" (the dispatcher is stopping). */
  interruptAll(): void {
    if (!this.thread) return;
    // Requests not yet posted go first, so that the interruption reaches them too.
    if (this.queued.length > 0) this.postQueued();
    this.thread.postMessage('interrupt');
  }

  async onApplicationShutdown(): Promise<void> {
    const thread = this.thread;
    this.thread = undefined;
    if (thread) await stopThread(thread, 'close');
  }

  private postQueued(): void {
    if (this.queued.length === 0) return;
    const requests = this.queued;
    this.queued = [];
    this.senderThread().postMessage(requests);
  }

  private senderThread(): Worker {
    if (this.thread) return this.thread;
    const thread = new Worker(lowerPriorityPrelude(this.config.senderThreadNice) + SENDER_THREAD_SOURCE, {
      eval: true,
      workerData: {
        maxBodyBytes: MAX_RESPONSE_BODY_BYTES,
        maxPools: MAX_POOLS,
        idleConnectionMs: IDLE_CONNECTION_MS,
        maxSockets: this.config.concurrency,
        timeoutMs: this.config.timeoutMs,
      },
    });
    thread.unref();
    thread.on('message', (answers: Array<SendResult & { id: number }>) => {
      for (const { id, ...result } of answers) {
        this.waiting.get(id)?.(result);
        this.waiting.delete(id);
      }
      if (this.waiting.size === 0) thread.unref();
    });
    const lost = (why: string) => {
      if (this.thread !== thread) return;
      this.thread = undefined;
      for (const resolve of this.waiting.values()) resolve({ statusCode: null, retryAfter: null, responseBody: null, error: `sender thread stopped: ${why}`, durationMs: 0 });
      this.waiting.clear();
    };
    thread.on('error', (error) => {
      this.logger.error(`Webhook sender thread failed: ${error.message}`);
      lost(error.message);
    });
    thread.on('exit', (code) => lost(`exit code ${code}`));
    this.thread = thread;
    return thread;
  }
}
