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
import { RefreshTokenStore } from '../refresh-token.store.js';
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
    private readonly store: RefreshTokenStore,
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
    const claims = await this.accessTokens.verify(token, { audience: await this.audienceFor(token) });
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

  /** The configured audience, or else the audience of the client the token names. */
  private async audienceFor(token: string): Promise<string> {
    if (this.options?.audience) return this.options.audience;
    const clientId = unverifiedClientId(token);
    const client = clientId ? await this.clients.find(clientId) : null;
    if (!client) throw new DomainError('invalid_token', 'The access token is invalid or expired');
    return client.audience;
  }

  private async familyIsLive(familyId: string): Promise<boolean> {
    if (typeof familyId !== 'string' || familyId.length === 0) return false;
    return (await this.store.liveFamilies(this.db, { familyId }, this.clock.now())).length > 0;
  }
}

/** Only to pick the audience to check against; the signature is verified right after. */
function unverifiedClientId(token: string): string | undefined {
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { client_id?: unknown };
    return typeof payload.client_id === 'string' && payload.client_id.length <= 64 ? payload.client_id : undefined;
  } catch {
    return undefined;
  }
}
