import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock.js';
import { Database, type Transaction } from '../database/database.js';
import { TokenEventWriter } from './events/token-event.writer.js';
import { RefreshTokenRepository } from './refresh-token.repository.js';

export interface FamilySelector {
  userId?: string;
  clientId?: string;
  familyId?: string;
}

/** Revokes families (logout, admin actions, user and client changes), each with a `token.revoked` event. */
@Injectable()
export class TokenRevocationService {
  constructor(
    private readonly db: Database,
    private readonly store: RefreshTokenRepository,
    private readonly events: TokenEventWriter,
    private readonly clock: Clock,
  ) {}

  /** Revokes in its own transaction; returns how many families. */
  revoke(selector: FamilySelector, reason: string): Promise<number> {
    return this.db.transaction((tx) => this.revokeWithin(tx, selector, reason));
  }

  /**
   * Revokes inside the caller's transaction (its events are announced once it commits); returns
   * how many families. In id order: rotations committed together lock their families in that
   * order too (Database.writeTogether), so the two never wait on each other in a circle.
   */
  async revokeWithin(tx: Transaction, selector: FamilySelector, reason: string): Promise<number> {
    const now = this.clock.now();
    let revoked = 0;
    const families = await this.store.liveFamilies(tx, selector, now);
    families.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    for (const family of families) {
      if (!(await this.store.revokeFamily(tx, family.id, now, reason))) continue;
      await this.events.revoked(tx, { userId: family.userId, clientId: family.clientId, familyId: family.id, scope: family.scope }, family.rotation, {}, reason, now);
      revoked++;
    }
    return revoked;
  }
}
