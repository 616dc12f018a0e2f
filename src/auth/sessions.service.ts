import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock.js';
import { DomainError } from '../common/errors/domain-error.js';
import { Database } from '../database/database.js';
import { RefreshTokenRepository } from './refresh-token.repository.js';
import { TokenRevocationService } from './token-revocation.service.js';

/** A user's live families, as the admin API shows them. */
@Injectable()
export class SessionsService {
  constructor(
    private readonly db: Database,
    private readonly store: RefreshTokenRepository,
    private readonly revocations: TokenRevocationService,
    private readonly clock: Clock,
  ) {}

  async list(userId: string) {
    const families = await this.store.liveFamilies(this.db, { userId }, this.clock.now());
    return families.map((family) => ({
      id: family.id,
      clientId: family.clientId,
      scope: family.scope,
      rotation: family.rotation,
      createdAt: new Date(family.createdAt).toISOString(),
      lastUsedAt: new Date(family.lastUsedAt).toISOString(),
      expiresAt: new Date(family.expiresAt).toISOString(),
      ip: family.ip,
      userAgent: family.userAgent,
    }));
  }

  async revokeOne(userId: string, familyId: string): Promise<void> {
    const revoked = await this.revocations.revoke({ userId, familyId }, 'admin_revoked');
    if (revoked === 0) throw new DomainError('not_found', 'No such live session for this user');
  }

  revokeAll(userId: string): Promise<number> {
    return this.revocations.revoke({ userId }, 'admin_revoked');
  }
}
