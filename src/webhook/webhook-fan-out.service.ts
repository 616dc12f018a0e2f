import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { timeOrderedId } from '../common/crypto/time-ordered-id.js';
import { Database, type Transaction } from '../database/database.js';
import { OutboxConsumers } from '../outbox/outbox.consumers.js';
import { OutboxReader } from '../outbox/outbox.reader.js';
import type { OutboxMessage } from '../outbox/outbox.types.js';
import { WebhookDeliveryRepository, type DueDelivery, type PendingInsert } from './webhook-delivery.repository.js';
import { SUBSCRIBABLE_EVENTS, webhookData } from './webhook-events.js';
import { WebhookSubscriptionRepository, type ReceivingSubscription } from './webhook-subscription.repository.js';
import { WebhookDispatcher } from './webhook.dispatcher.js';
import { PacedRounds } from './paced-rounds.js';

const SWEEP_BATCH = 200;
/** Events fanned out by one round (one transaction). */
const ROUND_SIZE = 500;
/**
 * Rounds start at most this often: under load a round then carries every event of the
 * interval, so a commit's cost is shared by many, for a few milliseconds of latency.
 */
const ROUND_INTERVAL_MS = 10;
/**
 * Announced events waiting for a round. Beyond this they are not queued: they stay
 * unprocessed in the outbox, where the sweeper finds them, so memory stays bounded.
 */
const MAX_QUEUED = 20_000;

type Reservation = ReturnType<WebhookDispatcher['reserve']>;

/**
 * Turns committed outbox events into one delivery per matching subscription, and marks
 * each event processed, in the same transaction. Marking first, conditionally, makes it
 * idempotent: of the listener and the sweeper (in any process) only one fans an event out.
 *
 * Announced events are fanned out in rounds, at most one per ROUND_INTERVAL_MS: one
 * transaction takes every event queued since the previous round.
 */
@Injectable()
export class WebhookFanOut implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(WebhookFanOut.name);
  private readonly queued: OutboxMessage[] = [];
  private stopping = false;
  private readonly rounds = new PacedRounds(ROUND_INTERVAL_MS, () => this.queued.length > 0, () => this.fanOutRound(), () => this.stopping);

  constructor(
    private readonly db: Database,
    private readonly outbox: OutboxReader,
    private readonly consumers: OutboxConsumers,
    private readonly subscriptions: WebhookSubscriptionRepository,
    private readonly deliveries: WebhookDeliveryRepository,
    private readonly dispatcher: WebhookDispatcher,
  ) {}

  onModuleInit(): void {
    this.consumers.register('webhooks');
  }

  /**
   * Fans out what was queued, and queues nothing more: the HTTP server answers refreshes until
   * after this hook, and a steady flow of them would otherwise keep a round pending forever.
   * Events announced from now on stay unprocessed in the outbox, where the sweeper (of this
   * deployment's next process, or of another) fans them out.
   */
  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    await this.rounds.settled();
  }

  /**
   * Queues an announced event for the next round. A round creates the deliveries it can
   * send at once already leased and hands them to the dispatcher (no claim needed); the
   * others wait to be claimed.
   */
  fanOutSoon(event: OutboxMessage): void {
    if (this.stopping || !SUBSCRIBABLE_EVENTS.includes(event.type) || this.queued.length >= MAX_QUEUED) return;
    this.queued.push(event);
    this.rounds.start();
  }

  /** Fans out committed events that were never announced (a crash between commit and announcement). */
  async sweep(olderThan: number): Promise<number> {
    let created = 0;
    for (;;) {
      const events = await this.outbox.unprocessed(SUBSCRIBABLE_EVENTS, olderThan, SWEEP_BATCH);
      if (events.length > 0) created += (await this.db.transaction((tx) => this.fanOutIn(tx, events))).created;
      if (events.length < SWEEP_BATCH) return created;
    }
  }

  /** One round: the queued events' takeover and deliveries in one transaction. */
  private async fanOutRound(): Promise<void> {
    let reservation: Reservation | undefined;
    try {
      // Taken once the transaction has begun, so events queued while it waited for its turn go in too.
      const { created, leased } = await this.db.transaction((tx) => {
        const events = this.queued.splice(0, ROUND_SIZE);
        reservation = this.dispatcher.reserve(events.length);
        return this.fanOutIn(tx, events, reservation);
      });
      this.dispatcher.adopt(leased, reservation!);
      reservation = undefined;
      // Deliveries beyond the dispatcher's free slots wait to be claimed.
      if (created > leased.length) this.dispatcher.kick();
    } catch (error) {
      if (reservation) this.dispatcher.adopt([], reservation);
      else this.queued.splice(0, ROUND_SIZE);
      this.logger.warn(`Webhook fan-out of announced events failed (the sweeper retries them): ${(error as Error).message}`);
    }
  }

  /**
   * Takes the events over and creates their deliveries. Under a reservation, the first
   * `slots` deliveries are created leased, to be sent at once by the dispatcher.
   */
  private async fanOutIn(tx: Transaction, events: readonly OutboxMessage[], reservation?: Reservation): Promise<{ created: number; leased: DueDelivery[] }> {
    const now = Date.now();
    let created = 0;
    const leased: DueDelivery[] = [];
    const subscribable = events.filter((event) => SUBSCRIBABLE_EVENTS.includes(event.type));
    if (subscribable.length === 0) return { created, leased };
    const clientIds = new Set<string>();
    let latest = 0;
    for (const event of subscribable) {
      const clientId = clientIdOf(event);
      if (clientId !== null) clientIds.add(clientId);
      latest = Math.max(latest, event.occurredAt);
    }
    // One statement each for the whole round, issued together (one round trip on PostgreSQL).
    const [taken, subscriptions] = await Promise.all([
      this.outbox.takeOver(tx, subscribable.map((event) => event.id), now),
      this.subscriptions.receiving(tx, [...clientIds], latest),
    ]);
    const planned: (PendingInsert & { subscription: ReceivingSubscription })[] = [];
    for (const event of subscribable) {
      // Deleted once fanned out, so an event listed twice gets its deliveries once.
      if (!taken.delete(event.id)) continue;
      let payload: string | undefined;
      for (const subscription of subscriptions) {
        if (!receives(subscription, event)) continue;
        payload ??= JSON.stringify(webhookData(event.data));
        const delivery = { subscriptionId: subscription.id, eventId: event.id, eventType: event.type, payload, occurredAt: event.occurredAt };
        const leaseUntil = reservation && planned.length < reservation.slots ? reservation.leaseUntil : null;
        planned.push({ delivery, id: timeOrderedId(now), leaseUntil, subscription });
      }
    }
    // One call for the round's deliveries; one already there (an event fanned out twice) is skipped.
    const inserted = planned.length > 0 ? await this.deliveries.insertPendingEach(tx, planned, now) : [];
    planned.forEach(({ delivery, id, leaseUntil, subscription }, index) => {
      if (!inserted[index]) return;
      created++;
      if (leaseUntil !== null) leased.push({ ...delivery, id, url: subscription.url, secrets: subscription.secrets, attempts: 0 });
    });
    return { created, leased };
  }
}

function clientIdOf(event: OutboxMessage): string | null {
  const clientId = (event.data as { clientId?: unknown } | null)?.clientId;
  return typeof clientId === 'string' ? clientId : null;
}

/**
 * Whether an event goes to this subscription: one of its events, of its client when it has
 * one, and committed after it was created (a subscription receives no older event).
 */
function receives(subscription: ReceivingSubscription, event: OutboxMessage): boolean {
  return (
    subscription.createdAt <= event.occurredAt &&
    (subscription.clientId === null || subscription.clientId === clientIdOf(event)) &&
    subscription.events.includes(event.type)
  );
}
