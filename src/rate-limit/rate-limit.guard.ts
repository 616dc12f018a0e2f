import { Inject, Injectable, SetMetadata, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { sha256 } from '../common/crypto/hashing.js';
import { rateLimitConfig, type RateLimitConfig } from '../config/rate-limit.config.js';
import { RateLimiter, type RateLimitRule } from './rate-limiter.service.js';

/**
 * `login`: per IP and per IP + loginId; `token`: refresh and token endpoints, per IP (the
 * per-client count is ClientRateLimitGuard's, after the client is authenticated).
 */
export type RateLimitPolicy = 'login' | 'token';

const RATE_LIMIT_POLICY = 'rate-limit:policy';

/** Applies a rate-limit policy to a route; use with `@UseGuards(RateLimitGuard)`, before authentication. */
export const RateLimit = (policy: RateLimitPolicy) => SetMetadata(RATE_LIMIT_POLICY, policy);

@Injectable()
export class RateLimitGuard implements CanActivate {
  constructor(
    private readonly limiter: RateLimiter,
    private readonly reflector: Reflector,
    @Inject(rateLimitConfig.KEY) private readonly config: RateLimitConfig,
  ) {}

  /** Synchronous when nothing is counted: Nest awaits only a guard's promise, and a promise costs every request. */
  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    if (!this.config.enabled) return true;
    const policy = this.reflector.getAllAndOverride<RateLimitPolicy | undefined>(RATE_LIMIT_POLICY, [context.getHandler(), context.getClass()]);
    if (!policy) return true;
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    return this.limiter.consume(policy === 'login' ? this.loginRules(request) : this.tokenRules(request)).then(() => true);
  }

  private loginRules(request: FastifyRequest): RateLimitRule[] {
    const windowMs = this.config.windowSeconds * 1000;
    const rules: RateLimitRule[] = [{ name: 'login-ip', key: request.ip, limit: this.config.loginPerIp, windowMs }];
    const loginId = bodyString(request, 'loginId');
    // Keyed by IP and loginId together: a stranger elsewhere cannot lock the account out,
    // and the answer is the same whether the account exists or not.
    if (loginId !== undefined) {
      rules.push({
        name: 'login-account',
        key: `${request.ip}:${sha256(loginId.trim().toLowerCase())}`,
        limit: this.config.loginPerAccount,
        windowMs,
        blockMs: this.config.loginLockoutSeconds * 1000,
      });
    }
    return rules;
  }

  /** Every request counts against its IP, failed client authentications included. */
  private tokenRules(request: FastifyRequest): RateLimitRule[] {
    return [{ name: 'token-ip', key: request.ip, limit: this.config.refreshPerIp, windowMs: this.config.windowSeconds * 1000 }];
  }
}

/**
 * The per-client limit of the token, revocation and introspection endpoints. It runs after
 * the guard that authenticates the client and counts authenticated requests only: counting
 * a client's id before its secret is checked would let anyone lock the client out by naming
 * it. Public clients are counted per client and IP. Requests without an authenticated client
 * (the admin key) are not counted here.
 */
@Injectable()
export class ClientRateLimitGuard implements CanActivate {
  constructor(
    private readonly limiter: RateLimiter,
    @Inject(rateLimitConfig.KEY) private readonly config: RateLimitConfig,
  ) {}

  /** Synchronous when nothing is counted, as RateLimitGuard's. */
  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    if (!this.config.enabled) return true;
    const request = context.switchToHttp().getRequest<FastifyRequest & { oauthClient?: { clientId?: unknown; public?: unknown } }>();
    const clientId = request.oauthClient?.clientId;
    if (typeof clientId !== 'string') return true;
    // A public client proves nothing but its id, which anyone can send: counted per client
    // alone, a flood naming it would lock out all its users, so it is counted per client and IP.
    const key = request.oauthClient?.public === true ? `${sha256(clientId)}:${request.ip}` : sha256(clientId);
    return this.limiter
      .consume([{ name: 'token-client', key, limit: this.config.refreshPerClient, windowMs: this.config.windowSeconds * 1000 }])
      .then(() => true);
  }
}

function bodyString(request: FastifyRequest, name: string): string | undefined {
  const body = request.body;
  if (body === null || typeof body !== 'object') return undefined;
  const value = (body as Record<string, unknown>)[name];
  return typeof value === 'string' && value.length > 0 && value.length <= 1024 ? value : undefined;
}
