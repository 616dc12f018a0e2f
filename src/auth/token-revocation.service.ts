import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock.js';
import { Database, type Transaction } from '../database/database.js';
import { OutboxRelay } from '../outbox/outbox.relay.js';
import { OutboxWriter } from '../outbox/outbox.writer.js';
import type { OutboxMessage } from '../outbox/outbox.types.js';
import { TokenEvents } from './events/token-events.js';
import { RefreshTokenStore } from './refresh-token.store.js';

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
    private readonly store: RefreshTokenStore,
    private readonly outbox: OutboxWriter,
    private readonly relay: OutboxRelay,
    private readonly clock: Clock,
  ) {}

  /** Revokes in its own transaction and announces the events; returns how many families. */
  async revoke(selector: FamilySelector, reason: string): Promise<number> {
    const events = await this.db.transaction((tx) => this.revokeWithin(tx, selector, reason));
    this.relay.announce(events);
    return events.length;
  }

  /** Revokes inside the caller's transaction; the caller announces the events after commit. */
  async revokeWithin(tx: Transaction, selector: FamilySelector, reason: string): Promise<OutboxMessage[]> {
    const now = this.clock.now();
    const events: OutboxMessage[] = [];
    for (const family of await this.store.liveFamilies(tx, selector, now)) {
      if (!(await this.store.revokeFamily(tx, family.id, now, reason))) continue;
      events.push(
        await this.outbox.record(
          tx,
          TokenEvents.Revoked,
          {
            userId: family.userId,
            clientId: family.clientId,
            familyId: family.id,
            rotation: family.rotation,
            scope: family.scope,
            ip: null,
            userAgent: null,
            reason,
          },
          now,
        ),
      );
    }
    return events;
  }
}
