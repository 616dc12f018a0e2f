import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface VerifiedWebhook {
  id: string;
  timestamp: number;
  type: string;
  body: { type: string; timestamp: string; data: Record<string, unknown> };
  headers: IncomingHttpHeaders;
}

const TOLERANCE_SECONDS = 5 * 60;

/**
 * Verifies a Standard Webhooks message (`webhook-id`, `webhook-timestamp`, `webhook-signature:
 * v1,<base64 HMAC-SHA256 of "id.timestamp.body">`, keyed with the bytes after `whsec_`).
 * Returns the parsed message, or throws saying what is wrong.
 */
export function verifyWebhook(secret: string, headers: IncomingHttpHeaders, rawBody: string, now: number = Date.now()): VerifiedWebhook {
  const id = headers['webhook-id'];
  const timestamp = headers['webhook-timestamp'];
  const signatures = headers['webhook-signature'];
  if (typeof id !== 'string' || typeof timestamp !== 'string' || typeof signatures !== 'string') {
    throw new Error('Missing webhook-id, webhook-timestamp or webhook-signature');
  }
  const seconds = Number(timestamp);
  if (!Number.isInteger(seconds) || Math.abs(now / 1000 - seconds) > TOLERANCE_SECONDS) throw new Error('Timestamp outside the tolerance');
  if (!secret.startsWith('whsec_')) throw new Error('The secret must start with whsec_');
  const expected = createHmac('sha256', Buffer.from(secret.slice('whsec_'.length), 'base64')).update(`${id}.${timestamp}.${rawBody}`).digest();
  const matches = signatures.split(' ').some((entry) => {
    const [version, value] = entry.split(',');
    if (version !== 'v1' || !value) return false;
    const given = Buffer.from(value, 'base64');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
  if (!matches) throw new Error('No valid v1 signature');
  const body = JSON.parse(rawBody) as VerifiedWebhook['body'];
  return { id, timestamp: seconds, type: body.type, body, headers };
}

/**
 * A webhook endpoint on 127.0.0.1 for host teams' tests: answers 204 to messages whose
 * signature verifies with the subscription's secret (401 otherwise) and keeps the verified ones.
 * Register `receiver.url` with `WEBHOOK_ALLOWED_HOSTS=127.0.0.1`, then `setSecret()` with the
 * secret the subscription returned.
 */
export class WebhookSignatureReceiver {
  readonly verified: VerifiedWebhook[] = [];
  /** Requests refused, with the reason. */
  readonly refused: string[] = [];
  private secret?: string;
  private server?: Server;
  private waiters: Array<() => void> = [];
  private port = 0;

  static async start(secret?: string): Promise<WebhookSignatureReceiver> {
    const receiver = new WebhookSignatureReceiver();
    receiver.secret = secret;
    await receiver.listen();
    return receiver;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/webhooks`;
  }

  setSecret(secret: string): void {
    this.secret = secret;
  }

  /** Resolves with the first verified message of that type (already received or to come), or fails after `timeoutMs`. */
  async waitFor(type: string, timeoutMs = 15_000): Promise<VerifiedWebhook> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.verified.find((message) => message.type === type);
      if (found) return found;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`No verified ${type} webhook within ${timeoutMs} ms (refused: ${this.refused.join('; ') || 'none'})`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async listen(): Promise<void> {
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      let size = 0;
      request.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size <= 1024 * 1024) chunks.push(chunk);
      });
      request.on('end', () => {
        try {
          if (!this.secret) throw new Error('No secret set');
          if (size > 1024 * 1024) throw new Error('Body too large');
          this.verified.push(verifyWebhook(this.secret, request.headers, Buffer.concat(chunks).toString('utf8')));
          response.statusCode = 204;
        } catch (error) {
          this.refused.push((error as Error).message);
          response.statusCode = 401;
        }
        response.end();
        this.waiters.splice(0).forEach((wake) => wake());
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
  }
}
