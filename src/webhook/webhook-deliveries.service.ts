import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Clock } from '../common/clock.js';
import { DomainError } from '../common/errors/domain-error.js';
import { WEBHOOK_TEST_EVENT } from './webhook-events.js';
import type { WebhookOwner } from './webhook-owner.js';
import { WebhookDeliveryRepository, type DeliveryFilter } from './webhook-delivery.repository.js';
import { WebhookSubscriptionsService } from './webhook-subscriptions.service.js';
import { WebhookDispatcher } from './webhook.dispatcher.js';

const HOUR_MS = 3_600_000;

/** The delivery side of the webhooks API: the log, a manual retry, a test ping. */
@Injectable()
export class WebhookDeliveriesService {
  constructor(
    private readonly subscriptions: WebhookSubscriptionsService,
    private readonly store: WebhookDeliveryRepository,
    private readonly dispatcher: WebhookDispatcher,
    private readonly clock: Clock,
  ) {}

  async sendTest(owner: WebhookOwner, subscriptionId: string): Promise<{ deliveryId: string; eventId: string }> {
    await this.subscriptions.findOwned(owner, subscriptionId);
    const now = this.clock.now();
    const eventId = randomUUID();
    const deliveryId = await this.store.createTestDelivery(
      { subscriptionId, eventId, eventType: WEBHOOK_TEST_EVENT, payload: JSON.stringify({ subscriptionId }), occurredAt: now },
      now,
    );
    this.dispatcher.kick();
    return { deliveryId, eventId };
  }

  async list(owner: WebhookOwner, subscriptionId: string, limit: number, cursor?: string, filter: DeliveryFilter = {}) {
    await this.subscriptions.findOwned(owner, subscriptionId);
    const rows = await this.store.listWithAttempts(subscriptionId, limit + 1, decodeCursor(cursor), filter);
    const items = rows.slice(0, limit).map(({ cursorKey: _cursor, ...delivery }) => delivery);
    if (rows.length <= limit) return { items };
    const last = rows[limit - 1]!.cursorKey;
    return { items, nextCursor: Buffer.from(`${last.createdAt}:${last.id}`).toString('base64url') };
  }

  /** One delivery: the body as sent and every attempt with the request headers as sent. */
  async get(owner: WebhookOwner, subscriptionId: string, deliveryId: string) {
    await this.subscriptions.findOwned(owner, subscriptionId);
    const delivery = await this.store.findWithAttempts(subscriptionId, deliveryId);
    if (!delivery) throw new DomainError('not_found', 'No such delivery for this subscription');
    return delivery;
  }

  /** The last 24 clock hours (the current one included), hour by hour, with empty hours as zeros. */
  async hourlyStats(owner: WebhookOwner, subscriptionId: string) {
    await this.subscriptions.findOwned(owner, subscriptionId);
    const now = this.clock.now();
    const since = Math.floor(now / HOUR_MS) * HOUR_MS - 23 * HOUR_MS;
    const byHour = new Map((await this.store.hourlyStats(subscriptionId, since, now + 1)).map((row) => [row.hourStart, row]));
    const hours = Array.from({ length: 24 }, (_, index) => {
      const hourStart = since + index * HOUR_MS;
      const row = byHour.get(hourStart);
      return { hour: new Date(hourStart).toISOString(), succeeded: row?.succeeded ?? 0, failed: row?.failed ?? 0, p50Ms: row?.p50Ms ?? null, p99Ms: row?.p99Ms ?? null };
    });
    return { from: new Date(since).toISOString(), to: new Date(now).toISOString(), hours };
  }

  async retry(owner: WebhookOwner, subscriptionId: string, deliveryId: string): Promise<{ id: string; status: 'pending' }> {
    await this.subscriptions.findOwned(owner, subscriptionId);
    if (!(await this.store.retryByHand(subscriptionId, deliveryId, this.clock.now()))) {
      throw new DomainError('not_found', 'No such delivery for this subscription');
    }
    this.dispatcher.kick();
    return { id: deliveryId, status: 'pending' };
  }
}

function decodeCursor(cursor: string | undefined): { createdAt: number; id: string } | undefined {
  if (cursor === undefined) return undefined;
  const match = /^(\d{1,16}):([0-9a-f-]{36})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match) throw new DomainError('invalid_request', 'cursor is not one this API returned');
  return { createdAt: Number(match[1]), id: match[2]! };
}
