import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { constantTimeEqual } from '../common/crypto/hashing.js';
import { DomainError } from '../common/errors/domain-error.js';
import { bearerToken } from '../common/http/bearer-token.js';
import { ADMIN_API_KEY } from './admin-api-key.js';

/** True when the request carries the admin key as a Bearer token (compared in constant time). */
export function hasAdminKey(request: FastifyRequest, adminKey: string): boolean {
  const presented = bearerToken(request.headers.authorization);
  return presented !== undefined && constantTimeEqual(presented, adminKey);
}

@Injectable()
export class AdminApiKeyGuard implements CanActivate {
  constructor(@Inject(ADMIN_API_KEY) private readonly adminKey: string) {}

  canActivate(context: ExecutionContext): boolean {
    if (!hasAdminKey(context.switchToHttp().getRequest<FastifyRequest>(), this.adminKey)) {
      throw new DomainError('unauthorized', 'A valid admin API key is required', { challenge: 'Bearer realm="admin"' });
    }
    return true;
  }
}
