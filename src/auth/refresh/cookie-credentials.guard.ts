import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { ACCESS_COOKIE, REFRESH_COOKIE, type CredentialsRequest } from './refresh-credentials.js';
import { OriginPolicy } from './origin-policy.js';
import { parseCookieHeader } from './set-cookie.js';

/**
 * Cookie mode: takes `refresh_token` (and `access_token`) from the cookies, after the
 * origin check that every cookie-authenticated request passes. Runs before the body guard,
 * so the cookie wins when both are present.
 */
@Injectable()
export class CookieCredentialsGuard implements CanActivate {
  constructor(private readonly origins: OriginPolicy) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<CredentialsRequest>();
    // @fastify/cookie (or Express's cookie-parser) parsed them already; otherwise read the header.
    const cookies = request.cookies ?? parseCookieHeader(request.headers.cookie);
    const refreshToken = cookies[REFRESH_COOKIE];
    if (!refreshToken) return true;
    this.origins.assertAllowed(request);
    const accessToken = cookies[ACCESS_COOKIE];
    request.refreshCredentials = { source: 'cookie', refreshToken, ...(accessToken ? { accessToken } : {}) };
    return true;
  }
}
