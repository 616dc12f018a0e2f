import { createParamDecorator, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { AdminKey } from '../../admin-key/admin-api-key.guard.js';
import type { ClientRecord } from '../../clients/clients.service.js';
import { DomainError } from '../../common/errors/domain-error.js';
import { OAuthClientGuard } from './oauth-client.guard.js';
import type { IntrospectionCaller } from './token-introspection.service.js';

type CallerRequest = FastifyRequest & { oauthClient?: ClientRecord; introspectionCaller?: IntrospectionCaller };

/**
 * RFC 7662 §2.1 requires the caller to be authorized: the admin key, or a confidential
 * client proving its secret. A public client's id is no secret, so it cannot introspect.
 */
@Injectable()
export class IntrospectionCallerGuard implements CanActivate {
  constructor(
    private readonly clientGuard: OAuthClientGuard,
    private readonly adminKey: AdminKey,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<CallerRequest>();
    if (this.adminKey.presentedBy(request)) {
      request.introspectionCaller = { admin: true };
      return true;
    }
    await this.clientGuard.canActivate(context);
    if (request.oauthClient!.public) {
      throw new DomainError('invalid_client', 'Introspection requires a confidential client or the admin key');
    }
    request.introspectionCaller = { admin: false, clientId: request.oauthClient!.clientId };
    return true;
  }
}

/** The caller the IntrospectionCallerGuard accepted. */
export const Introspector = createParamDecorator(
  (_: unknown, context: ExecutionContext) => context.switchToHttp().getRequest<CallerRequest>().introspectionCaller,
);
