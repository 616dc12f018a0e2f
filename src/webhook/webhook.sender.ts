import { HttpService } from '@nestjs/axios';
import { Inject, Injectable } from '@nestjs/common';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import type { Readable } from 'node:stream';
import { webhookConfig, type WebhookConfig } from '../config/webhook.config.js';
import type { CheckedTarget } from './webhook-target.policy.js';

/** At most this much of a receiver's answer is read and kept. */
export const MAX_RESPONSE_BODY_BYTES = 2048;
export const WEBHOOK_USER_AGENT = 'refresh-token-service-webhooks/1';

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
 */
@Injectable()
export class WebhookSender {
  constructor(
    private readonly http: HttpService,
    @Inject(webhookConfig.KEY) private readonly config: WebhookConfig,
  ) {}

  async send(target: CheckedTarget, headers: Record<string, string>, body: string, abort: AbortSignal): Promise<SendResult> {
    const started = performance.now();
    const signal = AbortSignal.any([abort, AbortSignal.timeout(this.config.timeoutMs)]);
    const agentOptions = { keepAlive: false, ...(target.address ? { lookup: pinnedLookup(target.address) } : {}) };
    const agent = target.url.protocol === 'https:' ? new https.Agent(agentOptions) : new http.Agent(agentOptions);
    let stream: Readable | undefined;
    try {
      const response = await this.http.axiosRef.request<Readable>({
        method: 'POST',
        url: target.url.toString(),
        data: body,
        headers: { ...headers, 'user-agent': WEBHOOK_USER_AGENT },
        maxRedirects: 0,
        proxy: false,
        timeout: this.config.timeoutMs,
        responseType: 'stream',
        validateStatus: () => true,
        signal,
        ...(target.url.protocol === 'https:' ? { httpsAgent: agent } : { httpAgent: agent }),
      });
      stream = response.data;
      const responseBody = await readPrefix(stream, MAX_RESPONSE_BODY_BYTES, signal);
      const retryAfter = response.headers['retry-after'];
      return {
        statusCode: response.status,
        retryAfter: typeof retryAfter === 'string' ? retryAfter : null,
        responseBody,
        error: null,
        durationMs: Math.round(performance.now() - started),
      };
    } catch (error) {
      return { statusCode: null, retryAfter: null, responseBody: null, error: describe(error, signal, abort), durationMs: Math.round(performance.now() - started) };
    } finally {
      stream?.destroy();
      agent.destroy();
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

/**
 * The first `limit` bytes of the answer. The status already decided the outcome, so a body
 * that stalls or breaks off only ends the reading (at the latest when the signal fires).
 */
async function readPrefix(stream: Readable, limit: number, signal: AbortSignal): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  const stop = () => stream.destroy();
  signal.addEventListener('abort', stop, { once: true });
  try {
    for await (const chunk of stream) {
      const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
      chunks.push(buffer);
      size += buffer.length;
      if (size >= limit) break;
    }
  } catch {
    // keep what arrived
  } finally {
    signal.removeEventListener('abort', stop);
  }
  return Buffer.concat(chunks).subarray(0, limit).toString('utf8');
}

function describe(error: unknown, signal: AbortSignal, abort: AbortSignal): string {
  if (abort.aborted) return 'interrupted: the dispatcher is stopping';
  if (signal.aborted) return 'timeout: no complete answer in time';
  const candidate = error as { code?: string; message?: string };
  const text = candidate.code ? `${candidate.code}: ${candidate.message ?? ''}` : (candidate.message ?? String(error));
  return text.slice(0, 500);
}
