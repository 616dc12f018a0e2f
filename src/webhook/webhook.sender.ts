import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
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

/**
 * One HTTP POST to a receiver: no redirects, no proxy, a hard timeout over the whole
 * exchange, and a connection pinned to the address the SSRF check approved.
 *
 * Connections are kept alive in one pool per target and checked address: a pool's lookup
 * answers only with that address, so a reused connection goes where this attempt's check
 * said it may, and a target that now resolves elsewhere gets a pool of its own.
 */
@Injectable()
export class WebhookSender implements OnModuleDestroy {
  private readonly pools = new Map<string, http.Agent>();

  constructor(@Inject(webhookConfig.KEY) private readonly config: WebhookConfig) {}

  onModuleDestroy(): void {
    for (const pool of this.pools.values()) pool.destroy();
    this.pools.clear();
  }

  send(target: CheckedTarget, headers: Record<string, string>, body: string, abort: AbortSignal): Promise<SendResult> {
    const started = performance.now();
    const secure = target.url.protocol === 'https:';
    const pool = this.poolFor(target, secure);
    const requestHeaders = { ...headers, 'user-agent': WEBHOOK_USER_AGENT, 'content-length': String(Buffer.byteLength(body)) };
    return new Promise<SendResult>((resolve) => {
      let request: http.ClientRequest | undefined;
      /** Set once the status line arrived: from then on the status decides, and a stalled body only ends the reading. */
      let answered: (() => void) | undefined;
      const finish = (result: Omit<SendResult, 'durationMs'>) => {
        clearTimeout(timer);
        abort.removeEventListener('abort', onAbort);
        resolve({ ...result, durationMs: Math.round(performance.now() - started) });
      };
      const fail = (error: string) => finish({ statusCode: null, retryAfter: null, responseBody: null, error });
      const stop = (error: string) => {
        if (answered) answered();
        else fail(error);
        request?.destroy();
      };
      const onAbort = () => stop('interrupted: the dispatcher is stopping');
      const timer = setTimeout(() => stop('timeout: no complete answer in time'), this.config.timeoutMs);
      if (abort.aborted) return onAbort();
      abort.addEventListener('abort', onAbort, { once: true });

      const post = (mayRetryStale: boolean) => {
        const options = { method: 'POST', agent: pool, headers: requestHeaders };
        const current = secure ? https.request(target.url, options) : http.request(target.url, options);
        request = current;
        current.on('response', (response) => {
          const chunks: Buffer[] = [];
          let size = 0;
          let done = false;
          const retryAfter = response.headers['retry-after'];
          answered = () => {
            if (done) return;
            done = true;
            finish({
              statusCode: response.statusCode ?? null,
              retryAfter: typeof retryAfter === 'string' ? retryAfter : null,
              responseBody: Buffer.concat(chunks).subarray(0, MAX_RESPONSE_BODY_BYTES).toString('utf8'),
              error: null,
            });
          };
          response.on('data', (chunk: Buffer) => {
            chunks.push(chunk);
            size += chunk.length;
            if (size >= MAX_RESPONSE_BODY_BYTES) {
              answered!();
              response.destroy();
            }
          });
          // A complete answer leaves the connection to the pool; one that breaks off ends the reading.
          response.on('end', () => answered!());
          response.on('close', () => answered!());
          response.on('error', () => answered!());
        });
        current.on('error', (error: NodeJS.ErrnoException) => {
          if (answered) return;
          // A kept-alive connection the receiver closed meanwhile: the request never reached it.
          if (mayRetryStale && current.reusedSocket && (error.code === 'ECONNRESET' || error.code === 'EPIPE')) return post(false);
          fail(describe(error));
        });
        current.end(body);
      };
      post(true);
    });
  }

  private poolFor(target: CheckedTarget, secure: boolean): http.Agent {
    const key = `${target.url.protocol}//${target.url.host} ${target.address?.address ?? ''}`;
    let pool = this.pools.get(key);
    if (pool) {
      // Most recently used last, so the oldest idle pool is the first one closed.
      this.pools.delete(key);
      this.pools.set(key, pool);
      return pool;
    }
    const options: http.AgentOptions = {
      keepAlive: true,
      timeout: IDLE_CONNECTION_MS,
      maxSockets: this.config.concurrency,
      scheduling: 'lifo',
      ...(target.address ? { lookup: pinnedLookup(target.address) } : {}),
    };
    pool = secure ? new https.Agent(options) : new http.Agent(options);
    this.pools.set(key, pool);
    if (this.pools.size > MAX_POOLS) this.closeOldestIdlePool();
    return pool;
  }

  /** A pool with requests in flight is kept: there are at most `concurrency` of those. */
  private closeOldestIdlePool(): void {
    for (const [key, pool] of this.pools) {
      if (Object.keys(pool.sockets).length > 0 || Object.keys(pool.requests).length > 0) continue;
      pool.destroy();
      this.pools.delete(key);
      return;
    }
  }
}

/** A `lookup` that answers with the pre-checked address: no second DNS query at connect time. */
function pinnedLookup(pinned: { address: string; family: 4 | 6 }): LookupFunction {
  return ((_hostname: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
    if (options?.all) callback(null, [{ address: pinned.address, family: pinned.family }]);
    else callback(null, pinned.address, pinned.family);
  }) as LookupFunction;
}

function describe(error: NodeJS.ErrnoException): string {
  const text = error.code ? `${error.code}: ${error.message ?? ''}` : (error.message ?? String(error));
  return text.slice(0, 500);
}
