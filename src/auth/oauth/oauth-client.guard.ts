import { createParamDecorator, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ClientsService, type ClientRecord } from '../../clients/clients.service.js';
import { DomainError } from '../../common/errors/domain-error.js';
import { parseBasicCredentials } from '../../common/http/basic-credentials.js';
import { formParam } from './form-params.js';

/** The challenge of a failed client_secret_basic (RFC 6749 §5.2). */
export const BASIC_CHALLENGE = 'Basic realm="oauth", charset="UTF-8"';

type ClientRequest = FastifyRequest & { oauthClient?: ClientRecord };

/**
 * OAuth client authentication (RFC 6749 §2.3): `client_secret_basic`, `client_secret_post`,
 * or `client_id` alone for a public client. Using two methods at once is an error.
 */
@Injectable()
export class OAuthClientGuard implements CanActivate {
  constructor(private readonly clients: ClientsService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<ClientRequest>();
    const basic = parseBasicCredentials(request.headers.authorization, BASIC_CHALLENGE);
    const body = (request.body ?? {}) as Record<string, unknown>;
    const bodyId = formParam(body, 'client_id');
    const bodySecret = formParam(body, 'client_secret');
    if (basic) {
      if (bodySecret !== undefined) {
        throw new DomainError('invalid_request', 'Use one client authentication method, not both');
      }
      if (bodyId !== undefined && bodyId !== basic.id) {
        throw new DomainError('invalid_request', 'client_id does not match the authenticated client');
      }
      request.oauthClient = await this.clients.authenticate(basic.id, basic.secret, BASIC_CHALLENGE);
      return true;
    }
    if (bodyId === undefined) {
      throw new DomainError('invalid_client', 'Client authentication is required');
    }
    request.oauthClient = await this.clients.authenticate(bodyId, bodySecret);
    return true;
  }
}

/** The client the OAuthClientGuard authenticated on this request. */
export function authenticatedClientOf(request: FastifyRequest): ClientRecord {
  return (request as ClientRequest).oauthClient!;
}

/** The client the OAuthClientGuard authenticated, as a handler parameter. */
export const AuthenticatedClient = createParamDecorator((_: unknown, context: ExecutionContext) =>
  authenticatedClientOf(context.switchToHttp().getRequest<FastifyRequest>()),
);
