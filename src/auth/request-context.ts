import type { FastifyRequest } from 'fastify';
import type { RequestContext } from './token.service.js';

/** The caller's address and user agent, as the events and session list record them. */
export function requestContext(request: FastifyRequest): RequestContext {
  const userAgent = request.headers['user-agent'];
  return { ip: request.ip ?? null, userAgent: typeof userAgent === 'string' ? userAgent.slice(0, 512) : null };
}
