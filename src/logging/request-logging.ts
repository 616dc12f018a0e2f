import type { FastifyReply, FastifyRequest } from 'fastify';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { RequestLog, requestLogContext } from './request-log-context.js';

/** Only these request headers are logged: none of them can carry a credential. */
const SAFE_REQUEST_HEADERS = ['user-agent', 'content-type', 'content-length', 'origin', 'sec-fetch-site'];

/** The raw request, with the id the HTTP adapter gave it (x-request-id when valid). */
type RawRequest = IncomingMessage & { id?: unknown; originalUrl?: string };

/** The request as logged: method, path without the query string (it may carry a token), a few headers; never the body. */
function describeRequest(request: RawRequest, requestId: string, remoteAddress: string | undefined) {
  const headers: Record<string, unknown> = {};
  for (const name of SAFE_REQUEST_HEADERS) if (request.headers[name] !== undefined) headers[name] = request.headers[name];
  const url = request.originalUrl ?? request.url ?? '';
  return { id: requestId, method: request.method, path: url.split('?')[0], headers, remoteAddress };
}

/**
 * Request logging as middleware, in pino-http's format: one `request completed` line per
 * answer at `info` (`request errored`, with the error, for a 5xx or a failed response),
 * carrying `requestId`, `req`, `res` and `responseTime`; and every line written while a
 * request is served carries its `requestId`. A request costs nothing more than its context:
 * no child logger unless a line is written, and no listener when `info` is not logged.
 */
export function requestLogging(root: Logger) {
  const serve = serving(root);
  return (request: RawRequest, response: ServerResponse, next: () => void): void =>
    serve(typeof request.id === 'string' ? request.id : 'unknown', request, response, next);
}

/**
 * The same as a Fastify `onRequest` hook, which runs where Nest runs middleware on Fastify.
 * Nest middleware goes through @fastify/middie, whose path matching and URL decoding cost
 * every request more than its context itself (bench/RESULTS.md, round twelve).
 */
export function requestLoggingHook(root: Logger) {
  const serve = serving(root);
  return (request: FastifyRequest, reply: FastifyReply, done: () => void): void => serve(request.id, request.raw, reply.raw, done);
}

function serving(root: Logger) {
  // LOG_LEVEL is fixed at start.
  const logCompletion = root.isLevelEnabled('info');
  return (requestId: string, request: RawRequest, response: ServerResponse, next: () => void): void => {
    const log = new RequestLog(root, requestId);
    if (logCompletion) logWhenDone(root, log, request, response);
    requestLogContext.run(log, next);
  };
}

function logWhenDone(root: Logger, log: RequestLog, request: RawRequest, response: ServerResponse): void {
  const startedAt = Date.now();
  // Read now: once the socket is closed its address may no longer be known.
  const remoteAddress = request.socket?.remoteAddress;
  const done = (error?: Error) => {
    response.off('close', done);
    response.off('finish', done);
    response.off('error', done);
    const fields = {
      requestId: log.requestId,
      req: describeRequest(request, log.requestId, remoteAddress),
      res: { statusCode: response.statusCode },
      responseTime: Date.now() - startedAt,
    };
    if (error || response.statusCode >= 500) {
      root.info({ ...fields, err: error ?? new Error(`failed with status code ${response.statusCode}`) }, 'request errored');
    } else {
      root.info(fields, 'request completed');
    }
  };
  response.on('close', done);
  response.on('finish', done);
  response.on('error', done);
}
