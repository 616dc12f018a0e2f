import { Inject, Injectable, SetMetadata, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { sha256 } from '../common/crypto/hashing.js';
import { rateLimitConfig, type RateLimitConfig } from '../config/rate-limit.config.js';
import { parseBasicCredentials } from '../auth/oauth/basic-credentials.js';
import { RateLimiter, type RateLimitRule } from './rate-limiter.service.js';

/** `login`: per IP and per IP + loginId; `token`: refresh and token endpoints, per IP and per client. */
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

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (!this.config.enabled) return true;
    const policy = this.reflector.getAllAndOverride<RateLimitPolicy | undefined>(RATE_LIMIT_POLICY, [context.getHandler(), context.getClass()]);
    if (!policy) return true;
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    await this.limiter.consume(policy === 'login' ? this.loginRules(request) : this.tokenRules(request));
    return true;
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

  private tokenRules(request: FastifyRequest): RateLimitRule[] {
    const windowMs = this.config.windowSeconds * 1000;
    const rules: RateLimitRule[] = [{ name: 'token-ip', key: request.ip, limit: this.config.refreshPerIp, windowMs }];
    const clientId = claimedClientId(request);
    if (clientId !== undefined) {
      rules.push({ name: 'token-client', key: sha256(clientId), limit: this.config.refreshPerClient, windowMs });
    }
    return rules;
  }
}

function bodyString(request: FastifyRequest, name: string): string | undefined {
  const body = request.body;
  if (body === null || typeof body !== 'object') return undefined;
  const value = (body as Record<string, unknown>)[name];
  return typeof value === 'string' && value.length > 0 && value.length <= 1024 ? value : undefined;
}

/** The client the request names (Basic or a body parameter); counted before it is authenticated. */
function claimedClientId(request: FastifyRequest): string | undefined {
  try {
    const basic = parseBasicCredentials(request.headers.authorization);
    if (basic) return basic.id;
  } catch {
    // Malformed Basic credentials: the client guard answers that.
  }
  return bodyString(request, 'client_id') ?? bodyString(request, 'clientId');
}
