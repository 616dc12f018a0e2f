import { Injectable } from '@nestjs/common';
import { Clock } from '../../common/clock.js';
import { sha256 } from '../../common/crypto/hashing.js';
import { RefreshTokenStore } from '../refresh-token.store.js';
import { TokenRevocationService } from '../token-revocation.service.js';
import type { RefreshCredentials } from './refresh-credentials.js';

/**
 * Logout at the cookie-or-body endpoint: revokes the presented token's family, or every
 * family of its user with `global`. Unknown, dead and confidential clients' tokens change
 * nothing, and the caller is not told which it was.
 */
@Injectable()
export class LogoutService {
  constructor(
    private readonly store: RefreshTokenStore,
    private readonly revocation: TokenRevocationService,
    private readonly clock: Clock,
  ) {}

  async logout(credentials: RefreshCredentials | undefined, global: boolean): Promise<void> {
    if (!credentials) return;
    const presented = await this.store.findByHash(sha256(credentials.refreshToken));
    if (!presented?.client?.public) return;
    const { family } = presented;
    if (family.revokedAt !== null || family.expiresAt <= this.clock.now()) return;
    if (global) {
      await this.revocation.revoke({ userId: family.userId }, 'logout_global');
    } else {
      await this.revocation.revoke({ familyId: presented.familyId }, 'logout');
    }
  }
}
