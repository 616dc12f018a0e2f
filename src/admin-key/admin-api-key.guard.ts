import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { constantTimeEqual } from '../common/crypto/hashing.js';
import { DomainError } from '../common/errors/domain-error.js';
import { bearerToken } from '../common/http/bearer-token.js';
import { ADMIN_API_KEY } from './admin-api-key.js';

/** Recognises the admin key presented as a Bearer token (compared in constant time). */
@Injectable()
export class AdminKey {
  constructor(@Inject(ADMIN_API_KEY) private readonly key: string) {}

  presentedBy(request: FastifyRequest): boolean {
    const presented = bearerToken(request.headers.authorization);
    return presented !== undefined && constantTimeEqual(presented, this.key);
  }
}

/** Admits only requests carrying the admin key. */
@Injectable()
export class AdminApiKeyGuard implements CanActivate {
  constructor(private readonly adminKey: AdminKey) {}

  canActivate(context: ExecutionContext): boolean {
    if (!this.adminKey.presentedBy(context.switchToHttp().getRequest<FastifyRequest>())) {
      throw new DomainError('unauthorized', 'A valid admin API key is required', { challenge: 'Bearer realm="admin"' });
    }
    return true;
  }
}
