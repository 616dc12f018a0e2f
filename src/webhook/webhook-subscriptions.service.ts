import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { ClientsService } from '../clients/clients.service.js';
import { Clock } from '../common/clock.js';
import { SecretBox } from '../common/crypto/secret-box.js';
import { DomainError } from '../common/errors/domain-error.js';
import { Database } from '../database/database.js';
import { WebhookDeliveryRepository, type SealedSigningSecrets } from './webhook-delivery.repository.js';
import { DEFAULT_SUBSCRIPTION_EVENTS } from './webhook-events.js';
import type { WebhookOwner } from './webhook-owner.js';
import { WebhookSubscriptionEntity } from './webhook-subscription.entity.js';
import { WebhookSubscriptionRepository } from './webhook-subscription.repository.js';
import { WebhookTargetPolicy } from './webhook-target.policy.js';
import { WebhookSigner } from './webhook.signer.js';

/** Opened signing secrets kept in memory, at most. */
const OPENED_SECRETS_KEPT = 256;

/** During a secret rotation the old secret keeps signing beside the new one this long. */
export const SECRET_OVERLAP_MS = 24 * 60 * 60 * 1000;

export interface WebhookSubscription {
  id: string;
  url: string;
  events: string[];
  enabled: boolean;
  description: string | null;
  clientId: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface SubscriptionInput {
  url: string;
  events?: string[];
  description?: string;
  clientId?: string;
}

export interface SubscriptionChanges {
  url?: string;
  events?: string[];
  enabled?: boolean;
  description?: string | null;
}


/** Webhook subscriptions, scoped to their owner; secrets sealed at rest. */
@Injectable()
export class WebhookSubscriptionsService {
  private readonly opened = new Map<string, string>();

  constructor(
    private readonly db: Database,
    private readonly subscriptions: WebhookSubscriptionRepository,
    private readonly deliveries: WebhookDeliveryRepository,
    private readonly clock: Clock,
    private readonly box: SecretBox,
    private readonly signer: WebhookSigner,
    private readonly targets: WebhookTargetPolicy,
    private readonly clients: ClientsService,
  ) {}

  async create(owner: WebhookOwner, input: SubscriptionInput): Promise<WebhookSubscription & { secret: string }> {
    const clientId = await this.clientFilter(owner, input.clientId);
    await this.targets.check(input.url);
    const id = randomUUID();
    const secret = this.signer.generateSecret();
    const now = this.clock.now();
    const subscription = Object.assign(new WebhookSubscriptionEntity(), {
      id,
      clientId,
      url: input.url,
      events: [...new Set(input.events ?? DEFAULT_SUBSCRIPTION_EVENTS)],
      enabled: true,
      description: input.description ?? null,
      secretSealed: this.seal(id, secret),
      previousSecretSealed: null,
      previousSecretExpiresAt: null,
      createdByAdmin: owner.kind === 'admin',
      createdAt: now,
      updatedAt: now,
    });
    await this.db.transaction((tx) => this.subscriptions.insert(tx, subscription));
    return { ...toSubscription(subscription), secret };
  }

  async list(owner: WebhookOwner, limit: number, cursor?: string): Promise<WebhookSubscription[]> {
    return (await this.subscriptions.listOwned(owner, limit, cursor)).map(toSubscription);
  }

  async get(owner: WebhookOwner, id: string): Promise<WebhookSubscription> {
    return toSubscription(await this.findOwned(owner, id));
  }

  async update(owner: WebhookOwner, id: string, changes: SubscriptionChanges): Promise<WebhookSubscription> {
    await this.findOwned(owner, id);
    const { url, events, enabled, description } = changes;
    if (url !== undefined) await this.targets.check(url);
    const updated = await this.db.transaction((tx) =>
      this.subscriptions.update(tx, id, {
        updatedAt: this.clock.now(),
        ...(url !== undefined && { url }),
        ...(events !== undefined && { events: [...new Set(events)] }),
        ...(enabled !== undefined && { enabled }),
        ...(description !== undefined && { description }),
      }),
    );
    if (!updated) throw notFound();
    return this.get(owner, id);
  }

  async delete(owner: WebhookOwner, id: string): Promise<void> {
    await this.findOwned(owner, id);
    await this.db.transaction(async (tx) => {
      await this.deliveries.deleteForSubscription(tx, id);
      if (!(await this.subscriptions.delete(tx, id))) throw notFound();
    });
  }

  /** A new secret; the old one keeps signing beside it for 24 hours. */
  async rotateSecret(owner: WebhookOwner, id: string): Promise<WebhookSubscription & { secret: string; previousSecretExpiresAt: string }> {
    const subscription = await this.findOwned(owner, id);
    const secret = this.signer.generateSecret();
    const now = this.clock.now();
    const previousExpiresAt = now + SECRET_OVERLAP_MS;
    await this.db.transaction((tx) => this.subscriptions.rotateSecret(tx, id, subscription.secretSealed, this.seal(id, secret), previousExpiresAt, now));
    return { ...(await this.get(owner, id)), secret, previousSecretExpiresAt: new Date(previousExpiresAt).toISOString() };
  }

  /**
   * The secrets that sign a message now, from the subscription's stored (sealed) ones: the
   * current one, and the previous one during its overlap.
   */
  signingSecrets(id: string, sealed: SealedSigningSecrets): string[] {
    const secrets = [this.openCached(id, sealed.secretSealed)];
    const previousUntil = sealed.previousSecretExpiresAt;
    if (sealed.previousSecretSealed && previousUntil !== null && previousUntil > this.clock.now()) {
      secrets.push(this.openCached(id, sealed.previousSecretSealed));
    }
    return secrets;
  }

  /** The subscription as its owner may see it; another owner's is a 404, like a missing one. */
  async findOwned(owner: WebhookOwner, id: string): Promise<WebhookSubscriptionEntity> {
    const subscription = await this.subscriptions.findOwned(owner, id);
    if (!subscription) throw notFound();
    return subscription;
  }

  private async clientFilter(owner: WebhookOwner, requested: string | undefined): Promise<string | null> {
    if (owner.kind === 'client') {
      if (requested !== undefined && requested !== owner.clientId) {
        throw new DomainError('invalid_request', 'clientId may only be set with the admin key');
      }
      return owner.clientId;
    }
    if (requested === undefined) return null;
    if (!(await this.clients.find(requested))) throw new DomainError('invalid_request', 'clientId names no client');
    return requested;
  }

  private seal(id: string, secret: string): string {
    return this.box.seal(secret, `webhook-secret:${id}`);
  }

  private open(id: string, sealed: string): string {
    return this.box.openText(sealed, `webhook-secret:${id}`);
  }

  /**
   * Every attempt signs with the subscription's secrets: opened once, not per attempt. Keyed
   * by the sealed value, so a rotated secret is never served from the cache.
   */
  private openCached(id: string, sealed: string): string {
    const key = `${id} ${sealed}`;
    let secret = this.opened.get(key);
    if (secret === undefined) {
      secret = this.open(id, sealed);
      if (this.opened.size >= OPENED_SECRETS_KEPT) this.opened.clear();
      this.opened.set(key, secret);
    }
    return secret;
  }
}

function toSubscription(subscription: WebhookSubscriptionEntity): WebhookSubscription {
  return {
    id: subscription.id,
    url: subscription.url,
    events: subscription.events,
    enabled: subscription.enabled,
    description: subscription.description,
    clientId: subscription.clientId,
    createdAt: new Date(subscription.createdAt).toISOString(),
    updatedAt: new Date(subscription.updatedAt).toISOString(),
  };
}

function notFound(): DomainError {
  return new DomainError('not_found', 'No such webhook subscription');
}
