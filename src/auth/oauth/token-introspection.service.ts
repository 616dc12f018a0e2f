import { Inject, Injectable } from '@nestjs/common';
import { MAX_TOKEN_LENGTH } from '../../common/token-limits.js';
import { Clock } from '../../common/clock.js';
import { DomainError } from '../../common/errors/domain-error.js';
import { appConfig, type AppConfig } from '../../config/app.config.js';
import { USER_STORE, type UserStore } from '../../users/user-store.js';
import { AccessTokenService } from '../access-token.service.js';
import { refreshTokenKey } from '../refresh-token-key.js';
import { RefreshTokenRepository } from '../refresh-token.repository.js';
import { looksLikeJwt } from './token-lookup.js';

/** Who asks: a client (sees only its own tokens) or the admin key (sees all). */
export type IntrospectionCaller = { admin: true } | { admin: false; clientId: string };

export type IntrospectionResult =
  | { active: false }
  | {
      active: true;
      scope: string;
      client_id: string;
      sub: string;
      exp: number;
      iat: number;
      iss: string;
      aud: string;
      jti: string;
      token_type: 'Bearer' | 'refresh_token';
      sid: string;
    };

const INACTIVE = { active: false } as const;

/** RFC 7662 introspection of our refresh tokens and access tokens. */
@Injectable()
export class TokenIntrospectionService {
  constructor(
    private readonly store: RefreshTokenRepository,
    private readonly accessTokens: AccessTokenService,
    private readonly clock: Clock,
    @Inject(USER_STORE) private readonly users: UserStore,
    @Inject(appConfig.KEY) private readonly app: AppConfig,
  ) {}

  /** The hint (RFC 7662 §2.1) only orders the search; the token's shape decides it here. */
  async introspect(token: string, caller: IntrospectionCaller): Promise<IntrospectionResult> {
    if (token.length > MAX_TOKEN_LENGTH) return INACTIVE;
    const result = looksLikeJwt(token) ? await this.accessToken(token) : await this.refreshToken(token);
    if (!result.active) return INACTIVE;
    if (!caller.admin && result.client_id !== caller.clientId) return INACTIVE;
    return result;
  }

  private async refreshToken(token: string): Promise<IntrospectionResult> {
    const presented = await this.store.findByKey(refreshTokenKey(token));
    const now = this.clock.now();
    if (
      !presented ||
      !presented.client ||
      presented.consumedAt !== null ||
      presented.expiresAt <= now ||
      presented.family.revokedAt !== null ||
      presented.family.expiresAt <= now
    ) {
      return INACTIVE;
    }
    const user = await this.users.findById(presented.family.userId);
    const issuedAt = await this.store.issuedAt(presented.id);
    if (!user || user.disabled || issuedAt === undefined) return INACTIVE;
    return {
      active: true,
      scope: presented.family.scope,
      client_id: presented.family.clientId,
      sub: presented.family.userId,
      exp: Math.floor(presented.expiresAt / 1000),
      iat: Math.floor(issuedAt / 1000),
      iss: this.app.issuer,
      aud: presented.client.audience,
      jti: presented.id,
      token_type: 'refresh_token',
      sid: presented.familyId,
    };
  }

  private async accessToken(token: string): Promise<IntrospectionResult> {
    try {
      const claims = await this.accessTokens.verify(token);
      return {
        active: true,
        scope: Array.isArray(claims.scope) ? claims.scope.join(' ') : String(claims.scope ?? ''),
        client_id: String(claims.client_id),
        sub: claims.sub,
        exp: claims.exp,
        iat: claims.iat,
        iss: claims.iss,
        aud: Array.isArray(claims.aud) ? String(claims.aud[0]) : String(claims.aud),
        jti: claims.jti,
        token_type: 'Bearer',
        sid: claims.sid,
      };
    } catch (error) {
      if (error instanceof DomainError) return INACTIVE;
      throw error;
    }
  }
}
