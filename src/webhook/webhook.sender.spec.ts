import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readWebhookConfig } from '../config/webhook.config.js';
import { WebhookSender } from './webhook.sender.js';
import { niceOfThreadsStartedSince, threadNices } from '../../test/support/thread-nices.js';

describe('WebhookSender', () => {
  let receiver: Server;
  let url: string;
  let sender: WebhookSender | undefined;

  beforeAll(async () => {
    receiver = createServer((request, response) => {
      request.resume();
      request.on('end', () => response.writeHead(204).end());
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  });

  afterEach(async () => {
    await sender?.onApplicationShutdown();
    sender = undefined;
  });

  afterAll(async () => {
    await new Promise((resolve) => receiver.close(resolve));
  });

  const send = (config: ReturnType<typeof readWebhookConfig>) => {
    sender = new WebhookSender(config);
    return sender.send({ url: new URL(url), address: { address: '127.0.0.1', family: 4 } }, { 'content-type': 'application/json' }, '{}');
  };

  it.each([3, 0])('with HELPER_THREAD_NICE=%i, sends from a thread that many steps below the event loop’s scheduling priority', async (nice) => {
    const before = threadNices();
    const eventLoop = before.get(process.pid)!;
    const result = await send(readWebhookConfig({ HELPER_THREAD_NICE: String(nice) }));
    expect(result.statusCode).toBe(204);
    const started = niceOfThreadsStartedSince(before);
    expect(started).toContain(Math.min(19, eventLoop + nice));
    expect(started.filter((value) => value !== eventLoop && value !== Math.min(19, eventLoop + nice))).toEqual([]);
  });
});
