import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { DomainError } from '../errors/domain-error.js';

/** No request of this API nests deeper than this; deeper input only serves to exhaust the stack. */
export const MAX_INPUT_DEPTH = 16;

/** Throws if a parsed body, query or params value holds a NUL character or nests too deep. */
function inspect(value: unknown, depth: number): void {
  if (typeof value === 'string') {
    if (value.includes('\u0000')) throw new DomainError('invalid_request', 'The request contains a NUL character');
    return;
  }
  if (value === null || typeof value !== 'object') return;
  if (depth >= MAX_INPUT_DEPTH) throw new DomainError('invalid_request', `The request is nested deeper than ${MAX_INPUT_DEPTH} levels`);
  for (const [key, item] of Object.entries(value)) {
    inspect(key, depth);
    inspect(item, depth + 1);
  }
}

/**
 * Refuses input no endpoint needs before validation sees it: NUL characters (PostgreSQL
 * rejects them in text, which would surface as a 500) and deeply nested JSON (the
 * validation pipe recurses into it).
 */
@Injectable()
export class InputShapeGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    for (const part of [request.body, request.query, request.params]) inspect(part, 0);
    return true;
  }
}
