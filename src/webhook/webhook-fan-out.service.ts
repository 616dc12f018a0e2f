import { Injectable, type OnModuleInit } from '@nestjs/common';
import { Database } from '../database/database.js';
import { OutboxConsumers } from '../outbox/outbox.consumers.js';
import { OutboxReader } from '../outbox/outbox.reader.js';
import type { OutboxMessage } from '../outbox/outbox.types.js';
import { WebhookDeliveryRepository } from './webhook-delivery.repository.js';
import { SUBSCRIBABLE_EVENTS, webhookData } from './webhook-events.js';
import { WebhookSubscriptionRepository } from './webhook-subscription.repository.js';

const SWEEP_BATCH = 200;

/**
 * Turns a committed outbox event into one delivery per matching subscription, and marks
 * the event processed, in one transaction. Marking first, conditionally, makes it
 * idempotent: of the listener and the sweeper (in any process) only one fans an event out.
 */
@Injectable()
export class WebhookFanOut implements OnModuleInit {
  constructor(
    private readonly db: Database,
    private readonly outbox: OutboxReader,
    private readonly consumers: OutboxConsumers,
    private readonly subscriptions: WebhookSubscriptionRepository,
    private readonly deliveries: WebhookDeliveryRepository,
  ) {}

  onModuleInit(): void {
    this.consumers.register('webhooks');
  }

  /** Returns how many deliveries were created. */
  async fanOut(event: OutboxMessage): Promise<number> {
    if (!SUBSCRIBABLE_EVENTS.includes(event.type)) return 0;
    const clientId = (event.data as { clientId?: unknown } | null)?.clientId;
    return this.db.transaction(async (tx) => {
      const now = Date.now();
      // Issued together (one round trip on PostgreSQL): the read changes nothing when the takeover fails.
      // Only subscriptions that existed when the event was committed receive it.
      const [taken, subscriptions] = await Promise.all([
        this.outbox.takeOver(tx, event.id, now),
        this.subscriptions.receiving(tx, typeof clientId === 'string' ? clientId : null, event.occurredAt),
      ]);
      if (!taken) return 0;
      const payload = JSON.stringify(webhookData(event.data));
      let created = 0;
      for (const subscription of subscriptions) {
        if (!subscription.events.includes(event.type)) continue;
        const delivery = { subscriptionId: subscription.id, eventId: event.id, eventType: event.type, payload, occurredAt: event.occurredAt };
        if (await this.deliveries.insertPending(tx, delivery, now)) created++;
      }
      return created;
    });
  }

  /** Fans out committed events that were never announced (a crash between commit and announcement). */
  async sweep(olderThan: number): Promise<number> {
    let created = 0;
    for (;;) {
      const events = await this.outbox.unprocessed(SUBSCRIBABLE_EVENTS, olderThan, SWEEP_BATCH);
      for (const event of events) created += await this.fanOut(event);
      if (events.length < SWEEP_BATCH) return created;
    }
  }
}
