import { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Writable } from 'node:stream';
import pino from 'pino';
import { PinoNestLogger } from './pino-nest-logger.js';
import { requestLogging } from './request-logging.js';

/** A pino root writing into an array of parsed lines. */
function capture(level: pino.Level) {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const root = pino({ level, redact: { paths: ['req.headers.authorization'], censor: '[redacted]' } }, sink);
  return { root, lines, flushed: () => new Promise<void>((resolve) => setImmediate(resolve)) };
}

function fakeExchange(url = '/oauth/token?refresh_token=secret-in-query') {
  const request = Object.assign(new EventEmitter(), {
    id: 'req-1',
    method: 'POST',
    url,
    headers: { 'user-agent': 'jest', authorization: 'Bearer not-for-logs', cookie: 'refresh_token=not-for-logs' },
    socket: { remoteAddress: '127.0.0.1' },
  }) as unknown as IncomingMessage;
  const response = Object.assign(new EventEmitter(), { statusCode: 200 }) as unknown as ServerResponse;
  return { request, response };
}

describe('requestLogging', () => {
  it('writes one "request completed" line per answer with requestId, req (path without the query, safe headers only), res and responseTime', async () => {
    const { root, lines, flushed } = capture('info');
    const { request, response } = fakeExchange();
    requestLogging(root)(request, response, () => undefined);
    response.emit('finish');
    response.emit('close');
    await flushed();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      msg: 'request completed',
      level: 30,
      requestId: 'req-1',
      req: { id: 'req-1', method: 'POST', path: '/oauth/token', headers: { 'user-agent': 'jest' }, remoteAddress: '127.0.0.1' },
      res: { statusCode: 200 },
      responseTime: expect.any(Number),
    });
    expect(JSON.stringify(lines)).not.toContain('not-for-logs');
    expect(JSON.stringify(lines)).not.toContain('secret-in-query');
  });

  it('writes "request errored" with an error for a 5xx answer', async () => {
    const { root, lines, flushed } = capture('info');
    const { request, response } = fakeExchange('/api/auth/refresh');
    response.statusCode = 503;
    requestLogging(root)(request, response, () => undefined);
    response.emit('finish');
    await flushed();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ msg: 'request errored', requestId: 'req-1', res: { statusCode: 503 }, err: { message: 'failed with status code 503' } });
  });

  it('gives every line written while the request is served its requestId, and lines outside none', async () => {
    const { root, lines, flushed } = capture('warn');
    const nest = new PinoNestLogger(root);
    const { request, response } = fakeExchange();
    requestLogging(root)(request, response, () => nest.warn('inside the request', 'TokenService'));
    nest.warn('outside any request', 'Scheduler');
    await flushed();
    expect(lines.map((line) => [line.msg, line.requestId, line.context])).toEqual([
      ['inside the request', 'req-1', 'TokenService'],
      ['outside any request', undefined, 'Scheduler'],
    ]);
  });

  it('adds no listener to the response when info lines are not written (LOG_LEVEL above info)', () => {
    const { root } = capture('warn');
    const { request, response } = fakeExchange();
    let served = false;
    requestLogging(root)(request, response, () => (served = true));
    expect(served).toBe(true);
    expect(response.eventNames()).toEqual([]);
  });
});
