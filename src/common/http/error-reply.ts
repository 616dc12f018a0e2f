import type { ArgumentsHost } from '@nestjs/common';
import type { ErrorResponse } from './error-response.js';

/** What the filters need of a request, on Fastify and on Express alike. */
export interface ErrorRequest {
  id?: unknown;
  method?: string;
  url?: string;
  routeOptions?: { url?: string; config?: { errorShape?: unknown } };
  route?: { path?: string };
}

/** `status`, `header` and `send` exist with these meanings on a Fastify reply and an Express response. */
interface ErrorReply {
  status(code: number): unknown;
  header(name: string, value: string): unknown;
  send(body: unknown): unknown;
}

export function errorContext(host: ArgumentsHost): { request: ErrorRequest; reply: ErrorReply; requestId: string } {
  const http = host.switchToHttp();
  const request = http.getRequest<ErrorRequest>();
  return { request, reply: http.getResponse<ErrorReply>(), requestId: String(request.id ?? 'unknown') };
}

export function sendErrorResponse(reply: ErrorReply, response: ErrorResponse, extraHeaders: Record<string, string> = {}): void {
  reply.status(response.status);
  for (const [name, value] of Object.entries({ ...response.headers, ...extraHeaders })) reply.header(name, value);
  reply.send(response.body);
}

/** The route a request matched, for logs (never the URL: it may carry a token). */
export function routeOf(request: ErrorRequest): string {
  return request.routeOptions?.url ?? request.route?.path ?? 'unknown route';
}
