import { Injectable } from '@nestjs/common';
import { MAX_TOKEN_LENGTH } from '../../common/token-limits.js';
import { Clock } from '../../common/clock.js';
import { refreshTokenKey } from '../refresh-token-key.js';
import { RefreshTokenRepository } from '../refresh-token.repository.js';
import { TokenRevocationService } from '../token-revocation.service.js';
import { TokenService, type RequestContext } from '../token.service.js';
import { type RefreshCredentials } from './refresh-credentials.js';

/**
 * Logout at the cookie-or-body endpoint: revokes the presented token's family, or every
 * family of its user with `global`, but only for a token that could still refresh: a live
 * one, or one consumed inside its grace window. A consumed token past its grace is reuse,
 * handled as at refresh (its family revoked, `token.reuse_detected`), and `global` is
 * ignored: an old stolen token must not log the user out everywhere. Unknown, expired,
 * revoked and confidential clients' tokens change nothing, and the caller is not told
 * which it was.
 */
@Injectable()
export class LogoutService {
  constructor(
    private readonly store: RefreshTokenRepository,
    private readonly revocation: TokenRevocationService,
    private readonly tokens: TokenService,
    private readonly clock: Clock,
  ) {}

  async logout(credentials: RefreshCredentials | undefined, global: boolean, context: RequestContext = {}): Promise<void> {
    if (!credentials || credentials.refreshToken.length > MAX_TOKEN_LENGTH) return;
    const presented = await this.store.findByKey(refreshTokenKey(credentials.refreshToken));
    if (!presented?.client?.public) return;
    const { family } = presented;
    const now = this.clock.now();
    if (family.revokedAt !== null || family.expiresAt <= now) return;
    if (presented.consumedAt !== null) {
      if (!this.tokens.withinGrace(presented, now)) {
        await this.tokens.revokeForReuse(presented, context, now);
        return;
      }
    } else if (presented.expiresAt <= now) {
      return;
    }
    if (global) {
      await this.revocation.revoke({ userId: family.userId }, 'logout_global');
    } else {
      await this.revocation.revoke({ familyId: presented.familyId }, 'logout');
    }
  }
}
