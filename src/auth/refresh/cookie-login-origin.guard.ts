import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { OriginPolicy } from './origin-policy.js';

/** A login that answers with cookies passes the same origin check as every cookie-authenticated request. */
@Injectable()
export class CookieLoginOriginGuard implements CanActivate {
  constructor(private readonly origins: OriginPolicy) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const body = request.body as { cookies?: unknown } | undefined;
    if (body && typeof body === 'object' && body.cookies === true) this.origins.assertAllowed(request);
    return true;
  }
}
