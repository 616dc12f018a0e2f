import { Inject, Injectable, Optional, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { ClientsService } from '../../clients/clients.service.js';
import { Clock } from '../../common/clock.js';
import { DomainError } from '../../common/errors/domain-error.js';
import { authConfig, type AuthConfig } from '../../config/auth.config.js';
import { Database } from '../../database/database.js';
import { AccessTokenService, type AccessTokenClaims } from '../access-token.service.js';
import { AUTH_MODULE_OPTIONS, type AuthModuleOptions } from '../auth-module.options.js';
import { RefreshTokenRepository } from '../refresh-token.repository.js';
import { ROLES_KEY } from './roles.decorator.js';
import { bearerToken } from '../../common/http/bearer-token.js';

export type AuthenticatedRequest = FastifyRequest & { user?: AccessTokenClaims };


/**
 * Protects host-application routes with our access tokens: `Authorization: Bearer`,
 * algorithm pinned to the key named by `kid`, `iss`, `aud` and `exp` checked, the
 * family's revocation checked when ACCESS_TOKEN_REVOCATION_CHECK=true, and `@Roles()`
 * enforced. The claims go on the request for `@CurrentUser()`.
 */
@Injectable()
export class AccessTokenGuard implements CanActivate {
  constructor(
    private readonly accessTokens: AccessTokenService,
    private readonly clients: ClientsService,
    private readonly store: RefreshTokenRepository,
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly reflector: Reflector,
    @Inject(authConfig.KEY) private readonly config: AuthConfig,
    @Optional() @Inject(AUTH_MODULE_OPTIONS) private readonly options?: AuthModuleOptions,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const token = bearerToken(request.headers.authorization);
    if (!token) throw new DomainError('invalid_token', 'A Bearer access token is required');
    const claims = await this.accessTokens.verify(token, { audience: this.options?.audience ?? ((verified) => this.audienceOf(verified)) });
    if (this.config.accessTokenRevocationCheck && !(await this.familyIsLive(claims.sid))) {
      throw new DomainError('invalid_token', 'The session of this access token has been revoked');
    }
    request.user = claims;
    const required = this.reflector.getAllAndOverride<string[] | undefined>(ROLES_KEY, [context.getHandler(), context.getClass()]);
    if (required?.length && !required.some((role) => claims.roles?.includes(role))) {
      throw new DomainError('forbidden', 'The access token lacks a required role');
    }
    return true;
  }

  /** Without a configured audience: the audience of the client the (verified) token names. */
  private async audienceOf(claims: AccessTokenClaims): Promise<string | undefined> {
    const clientId: unknown = claims.client_id;
    if (typeof clientId !== 'string' || clientId.length === 0 || clientId.length > 64) return undefined;
    return (await this.clients.find(clientId))?.audience;
  }

  private async familyIsLive(familyId: string): Promise<boolean> {
    if (typeof familyId !== 'string' || familyId.length === 0) return false;
    return (await this.store.liveFamilies(this.db, { familyId }, this.clock.now())).length > 0;
  }
}
