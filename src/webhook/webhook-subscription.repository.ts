import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { MoreThan, Repository, type FindOptionsWhere } from 'typeorm';
import { Database, type Transaction } from '../database/database.js';
import type { SealedSigningSecrets } from './webhook-delivery.repository.js';
import type { WebhookOwner } from './webhook-owner.js';
import { WebhookSubscriptionEntity } from './webhook-subscription.entity.js';

/**
 * A subscription an event may go to: what decides whether it receives one (its client filter,
 * events and creation time), its URL and sealed signing secrets.
 */
export interface ReceivingSubscription extends Pick<WebhookSubscriptionEntity, 'id' | 'clientId' | 'events' | 'url' | 'createdAt'> {
  secrets: SealedSigningSecrets;
}

/** What an update may change on a subscription. */
export type SubscriptionUpdate = Partial<Pick<WebhookSubscriptionEntity, 'url' | 'events' | 'enabled' | 'description'>> & { updatedAt: number };

/** The webhook_subscriptions table, as entities. Writes join the caller's transaction. */
@Injectable()
export class WebhookSubscriptionRepository {
  constructor(
    @InjectRepository(WebhookSubscriptionEntity) private readonly subscriptions: Repository<WebhookSubscriptionEntity>,
    private readonly db: Database,
  ) {}

  /** The subscription if this owner may see it: the admin sees all, a client its own (not the admin's filtered to it). */
  findOwned(owner: WebhookOwner, id: string): Promise<WebhookSubscriptionEntity | null> {
    return this.subscriptions.findOneBy({ id, ...ownedBy(owner) });
  }

  listOwned(owner: WebhookOwner, limit: number, cursor?: string): Promise<WebhookSubscriptionEntity[]> {
    return this.subscriptions.find({
      where: { ...ownedBy(owner), ...(cursor !== undefined && { id: MoreThan(cursor) }) },
      order: { id: 'ASC' },
      take: limit,
    });
  }

  /**
   * Enabled subscriptions that existed at `at` and receive events of one of these clients or
   * of every client, for a fan-out round: one prepared statement for all of the round's
   * events, each of which then takes those that existed when it was committed (`receives`).
   */
  async receiving(tx: Transaction, clientIds: readonly string[], at: number): Promise<ReceivingSubscription[]> {
    const rows = await tx.query(
      `SELECT id, client_id, events, url, created_at, secret_sealed, previous_secret_sealed, previous_secret_expires_at
         FROM webhook_subscriptions WHERE enabled = ? AND created_at <= ? AND (client_id IS NULL OR ${this.db.oneOf('client_id')})`,
      [true, at, this.db.listParam(clientIds)],
    );
    return rows.map((row) => ({
      id: String(row.id),
      clientId: row.client_id === null ? null : String(row.client_id),
      events: JSON.parse(String(row.events)) as string[],
      url: String(row.url),
      createdAt: this.db.num(row.created_at),
      secrets: {
        secretSealed: String(row.secret_sealed),
        previousSecretSealed: row.previous_secret_sealed === null ? null : String(row.previous_secret_sealed),
        previousSecretExpiresAt: row.previous_secret_expires_at === null ? null : Number(row.previous_secret_expires_at),
      },
    }));
  }

  async insert(tx: Transaction, subscription: WebhookSubscriptionEntity): Promise<void> {
    await tx.manager.getRepository(WebhookSubscriptionEntity).insert(subscription);
  }

  /** Returns false when there is no such subscription. */
  async update(tx: Transaction, id: string, changes: SubscriptionUpdate): Promise<boolean> {
    return ((await tx.manager.getRepository(WebhookSubscriptionEntity).update({ id }, changes)).affected ?? 0) > 0;
  }

  /**
   * Replaces the secret, keeping the current one as the previous. Conditional on the secret
   * read before, so of two concurrent rotations one wins and the other changes nothing
   * (the previous secret is never a secret nobody was given).
   */
  async rotateSecret(tx: Transaction, id: string, current: string, next: string, previousExpiresAt: number, now: number): Promise<boolean> {
    const result = await tx.manager
      .getRepository(WebhookSubscriptionEntity)
      .update({ id, secretSealed: current }, { secretSealed: next, previousSecretSealed: current, previousSecretExpiresAt: previousExpiresAt, updatedAt: now });
    return (result.affected ?? 0) > 0;
  }

  /** Returns false when there is no such subscription. */
  async delete(tx: Transaction, id: string): Promise<boolean> {
    return ((await tx.manager.getRepository(WebhookSubscriptionEntity).delete({ id })).affected ?? 0) > 0;
  }
}

function ownedBy(owner: WebhookOwner): FindOptionsWhere<WebhookSubscriptionEntity> {
  return owner.kind === 'admin' ? {} : { clientId: owner.clientId, createdByAdmin: false };
}
