import { createParamDecorator, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { AdminKey } from '../admin-key/admin-api-key.guard.js';
import { ClientsService } from '../clients/clients.service.js';
import { DomainError } from '../common/errors/domain-error.js';
import { parseBasicCredentials } from '../common/http/basic-credentials.js';
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
    private readonly adminKey: AdminKey,
    private readonly clients: ClientsService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<WebhookRequest>();
    if (this.adminKey.presentedBy(request)) {
      request.webhookOwner = { kind: 'admin' };
      return true;
    }
    const basic = parseBasicCredentials(request.headers.authorization, CHALLENGE);
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
