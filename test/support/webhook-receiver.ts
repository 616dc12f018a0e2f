import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedWebhook {
  headers: IncomingHttpHeaders;
  rawBody: string;
  body: any;
  receivedAt: number;
  path: string;
}

/** How the receiver answers one request; the default answers 204. */
export type Responder = (request: ReceivedWebhook, response: ServerResponse) => void;

/**
 * A real HTTP webhook receiver on 127.0.0.1. It records every request; answers are
 * scripted with `answerWith` (one per request, in order) or `setDefault`.
 */
export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  private readonly scripted: Responder[] = [];
  private fallback: Responder = (_, response) => {
    response.statusCode = 204;
    response.end();
  };
  private server: Server | undefined;
  private waiters: Array<() => void> = [];
  private readonly open = new Set<ServerResponse>();
  port = 0;

  /** Where to listen (127.0.0.1 unless a black-box run says otherwise) and the base URL the server is given, if not http://host:port. */
  private bindHost = '127.0.0.1';
  private publicHost = '127.0.0.1';
  private publicBase: string | undefined;

  static async start(port = 0): Promise<WebhookReceiver> {
    const receiver = new WebhookReceiver();
    await receiver.listen(port);
    return receiver;
  }

  /**
   * The receiver of a black-box run, on the QA machine: E2E_RECEIVER_HOST is the host name or
   * address the deployment reaches this machine by (default 127.0.0.1; any other value listens
   * on every interface), E2E_RECEIVER_PORT a fixed port (default: any free one), and
   * E2E_RECEIVER_URL, when a proxy or tunnel is in between, the base URL the deployment uses.
   */
  static async forDeployment(env: Record<string, string | undefined> = process.env): Promise<WebhookReceiver> {
    const receiver = new WebhookReceiver();
    const host = env.E2E_RECEIVER_HOST || '127.0.0.1';
    receiver.bindHost = host === '127.0.0.1' ? host : '0.0.0.0';
    receiver.publicBase = env.E2E_RECEIVER_URL ? env.E2E_RECEIVER_URL.replace(/\/+$/, '') : undefined;
    await receiver.listen(Number(env.E2E_RECEIVER_PORT || 0));
    receiver.publicHost = host;
    return receiver;
  }

  get url(): string {
    if (this.publicBase) return `${this.publicBase}/hook`;
    return `http://${this.publicHost.includes(':') ? `[${this.publicHost}]` : this.publicHost}:${this.port}/hook`;
  }

  async listen(port = this.port): Promise<void> {
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const rawBody = Buffer.concat(chunks).toString('utf8');
        let body: unknown;
        try {
          body = JSON.parse(rawBody);
        } catch {
          body = undefined;
        }
        const received = { headers: request.headers, rawBody, body, receivedAt: Date.now(), path: request.url ?? '' };
        this.received.push(received);
        this.open.add(response);
        response.on('close', () => this.open.delete(response));
        (this.scripted.shift() ?? this.fallback)(received, response);
        this.waiters.splice(0).forEach((wake) => wake());
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, this.bindHost, () => resolve());
    });
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
  }

  /** Requests whose answer has not ended yet (held open by a responder). */
  get openRequests(): number {
    return this.open.size;
  }

  answerWith(...responders: Responder[]): void {
    this.scripted.push(...responders);
  }

  setDefault(responder: Responder): void {
    this.fallback = responder;
  }

  /** Resolves once `count` requests (matching `filter`) have arrived, or fails after `timeoutMs`. */
  waitFor(count: number, timeoutMs = 15_000, filter: (request: ReceivedWebhook) => boolean = () => true): Promise<ReceivedWebhook[]> {
    return this.waitUntil(() => this.received.filter(filter), count, timeoutMs, 'webhook requests');
  }

  /**
   * Resolves once `count` distinct events (by webhook-id, matching `filter`) have arrived, with
   * the first request of each. Delivery is at least once: a resend must not count twice.
   */
  waitForEvents(count: number, timeoutMs = 15_000, filter: (request: ReceivedWebhook) => boolean = () => true): Promise<ReceivedWebhook[]> {
    const distinct = () => {
      const byId = new Map<string, ReceivedWebhook>();
      for (const request of this.received) {
        const id = String(request.headers['webhook-id']);
        if (filter(request) && !byId.has(id)) byId.set(id, request);
      }
      return [...byId.values()];
    };
    return this.waitUntil(distinct, count, timeoutMs, 'distinct webhook events');
  }

  /** Re-reads `collect` at every arrival until it holds `count` items, or fails after `timeoutMs`. */
  private async waitUntil<T>(collect: () => T[], count: number, timeoutMs: number, what: string): Promise<T[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const collected = collect();
      if (collected.length >= count) return collected;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`Expected ${count} ${what}, got ${collected.length} within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 250));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    for (const response of this.open) response.destroy();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

export const answer =
  (status: number, headers: Record<string, string> = {}, body = ''): Responder =>
  (_, response) => {
    response.writeHead(status, headers);
    response.end(body);
  };

/** Never answers (until the receiver closes). */
export const hang: Responder = () => undefined;
