import { createParamDecorator, Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ADMIN_API_KEY } from '../admin/admin-api-key.js';
import { hasAdminKey } from '../admin/admin-api-key.guard.js';
import { parseBasicCredentials } from '../auth/oauth/basic-credentials.js';
import { ClientsService } from '../clients/clients.service.js';
import { DomainError } from '../common/errors/domain-error.js';
import type { WebhookOwner } from './webhook-owner.js';

const CHALLENGE = 'Basic realm="webhooks", charset="UTF-8"';

type WebhookRequest = FastifyRequest & { webhookOwner?: WebhookOwner };

/**
 * The admin key (Bearer) manages every subscription; a confidential OAuth client,
 * authenticated with client_secret_basic, manages its own.
 */
@Injectable()
export class WebhookAuthGuard implements CanActivate {
  constructor(
    @Inject(ADMIN_API_KEY) private readonly adminKey: string,
    private readonly clients: ClientsService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<WebhookRequest>();
    if (hasAdminKey(request, this.adminKey)) {
      request.webhookOwner = { kind: 'admin' };
      return true;
    }
    const basic = parseBasicCredentials(request.headers.authorization);
    if (!basic) {
      throw new DomainError('unauthorized', 'Authenticate with the admin key or as an OAuth client (client_secret_basic)', { challenge: CHALLENGE });
    }
    if (basic.secret === '') throw new DomainError('invalid_client', 'Client authentication failed', { challenge: CHALLENGE });
    const client = await this.clients.authenticate(basic.id, basic.secret, CHALLENGE);
    request.webhookOwner = { kind: 'client', clientId: client.clientId };
    return true;
  }
}

/** The caller the WebhookAuthGuard authenticated. */
export const CurrentWebhookOwner = createParamDecorator(
  (_: unknown, context: ExecutionContext) => context.switchToHttp().getRequest<WebhookRequest>().webhookOwner!,
);
