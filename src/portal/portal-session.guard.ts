import { createParamDecorator, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { OriginPolicy } from '../auth/refresh/origin-policy.js';
import type { WebhookOwner } from '../webhook/webhook-owner.js';
import { PortalAccessService, type PortalIdentity } from './portal-access.service.js';
import { PortalCookie } from './portal-cookie.js';

type PortalRequest = FastifyRequest & { portalIdentity?: PortalIdentity };

/** Cookie-authenticated, so every portal request passes the same Origin checks as cookie-mode refresh. */
@Injectable()
export class PortalOriginGuard implements CanActivate {
  constructor(private readonly origins: OriginPolicy) {}

  canActivate(context: ExecutionContext): boolean {
    this.origins.assertAllowed(context.switchToHttp().getRequest<FastifyRequest>());
    return true;
  }
}

/** A live portal session: the request acts as that one client. */
@Injectable()
export class PortalSessionGuard implements CanActivate {
  constructor(
    private readonly origins: OriginPolicy,
    private readonly access: PortalAccessService,
    private readonly cookie: PortalCookie,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<PortalRequest>();
    this.origins.assertAllowed(request);
    request.portalIdentity = await this.access.identify(this.cookie.read(request.headers.cookie));
    return true;
  }
}

/** The session's client, as the webhook services know their callers. */
export const PortalOwner = createParamDecorator(
  (_: unknown, context: ExecutionContext): WebhookOwner => ({
    kind: 'client',
    clientId: context.switchToHttp().getRequest<PortalRequest>().portalIdentity!.clientId,
  }),
);

export const CurrentPortalIdentity = createParamDecorator(
  (_: unknown, context: ExecutionContext): PortalIdentity => context.switchToHttp().getRequest<PortalRequest>().portalIdentity!,
);
