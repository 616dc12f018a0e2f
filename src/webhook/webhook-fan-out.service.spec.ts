import type { Database, Transaction } from '../database/database.js';
import type { OutboxConsumers } from '../outbox/outbox.consumers.js';
import type { OutboxReader } from '../outbox/outbox.reader.js';
import type { OutboxMessage } from '../outbox/outbox.types.js';
import type { WebhookDeliveryRepository } from './webhook-delivery.repository.js';
import { WebhookFanOut } from './webhook-fan-out.service.js';
import type { ReceivingSubscription, WebhookSubscriptionRepository } from './webhook-subscription.repository.js';
import type { WebhookDispatcher } from './webhook.dispatcher.js';

let nextEvent = 0;
function refreshedEvent(): OutboxMessage {
  return { id: `event-${++nextEvent}`, type: 'token.refreshed', occurredAt: Date.now(), data: { clientId: 'client' } };
}

/**
 * A fan-out over fakes: every transaction takes a turn of the event loop, as a real commit
 * does, and `duringRound` runs while each one is open (where the test announces the events that a
 * server still answering refreshes keeps producing).
 */
function fanOutWith(duringRound: () => void): { fanOut: WebhookFanOut; takenOver: string[] } {
  const takenOver: string[] = [];
  const db = {
    transaction: <T>(work: (tx: Transaction) => Promise<T>) =>
      new Promise<T>((resolve, reject) =>
        setImmediate(() => {
          const result = work({} as Transaction);
          duringRound();
          result.then(resolve, reject);
        }),
      ),
  } as unknown as Database;
  const outbox = {
    takeOver: async (_tx: Transaction, eventIds: string[]) => {
      takenOver.push(...eventIds);
      return new Set(eventIds);
    },
  } as unknown as OutboxReader;
  const subscriptions = { receiving: async () => [] } as unknown as WebhookSubscriptionRepository;
  const dispatcher = {
    reserve: () => ({ slots: 0, leaseUntil: 0 }),
    adopt: () => undefined,
    kick: () => undefined,
  } as unknown as WebhookDispatcher;
  const fanOut = new WebhookFanOut(db, outbox, {} as OutboxConsumers, subscriptions, {} as WebhookDeliveryRepository, dispatcher);
  return { fanOut, takenOver };
}

describe('WebhookFanOut shutdown', () => {
  it('stops while events keep being announced: those left for the sweeper, what was queued before still fanned out', async () => {
    // The HTTP server keeps answering refreshes until after this hook has run, so announcements
    // go on arriving during every round. The hook must not wait for a quiet moment.
    const announcedDuringStop = 200;
    let announced = 0;
    let stopped = false;
    const { fanOut, takenOver } = fanOutWith(() => {
      if (announced < announcedDuringStop) {
        announced++;
        fanOut.fanOutSoon(refreshedEvent());
      }
    });
    const queuedBeforeStop = [refreshedEvent(), refreshedEvent(), refreshedEvent()];
    for (const event of queuedBeforeStop) fanOut.fanOutSoon(event);

    const stopping = fanOut.onModuleDestroy().then(() => (stopped = true));
    // The sentinel: the producer runs out of events (one per round at most) and the rounds then
    // end whatever the hook does. The hook must have returned long before that.
    while (!stopped && announced < announcedDuringStop) await new Promise((resolve) => setImmediate(resolve));
    expect(stopped).toBe(true);
    await stopping;

    expect(takenOver).toEqual(expect.arrayContaining(queuedBeforeStop.map((event) => event.id)));
    // Announced while stopping: still unprocessed in the outbox, where the next process's sweeper finds them.
    expect(takenOver).toHaveLength(queuedBeforeStop.length);
  });
});

describe('WebhookFanOut rounds', () => {
  /** A sweep over fakes: the given events are unprocessed, the given subscriptions exist. */
  async function sweepWith(events: OutboxMessage[], subscriptions: ReceivingSubscription[]) {
    const delivered: string[] = [];
    const db = { transaction: <T>(work: (tx: Transaction) => Promise<T>) => work({} as Transaction) } as unknown as Database;
    const processed = new Set<string>();
    const outbox = {
      unprocessed: async () => events,
      takeOver: async (_tx: Transaction, eventIds: string[]) => new Set(eventIds.filter((id) => !processed.has(id) && processed.add(id))),
    } as unknown as OutboxReader;
    const repository = { receiving: async () => subscriptions } as unknown as WebhookSubscriptionRepository;
    const deliveries = {
      insertPendingEach: async (_tx: Transaction, inserts: { delivery: { subscriptionId: string; eventId: string } }[]) =>
        inserts.map(({ delivery }) => {
          delivered.push(`${delivery.eventId}->${delivery.subscriptionId}`);
          return true;
        }),
    } as unknown as WebhookDeliveryRepository;
    const fanOut = new WebhookFanOut(db, outbox, {} as OutboxConsumers, repository, deliveries, {} as WebhookDispatcher);
    const created = await fanOut.sweep(Date.now());
    return { created, delivered };
  }

  const event = (id: string, clientId: string, occurredAt: number): OutboxMessage => ({ id, type: 'token.refreshed', occurredAt, data: { clientId } });
  const subscription = (id: string, clientId: string | null, createdAt: number, events = ['token.refreshed']): ReceivingSubscription => ({
    id,
    clientId,
    events,
    url: `https://example.com/${id}`,
    createdAt,
    secrets: { secretSealed: 'sealed', previousSecretSealed: null, previousSecretExpiresAt: null },
  });

  it('gives each event of a round only the subscriptions of its client (or of every client) that existed when it was committed', async () => {
    const { created, delivered } = await sweepWith(
      [event('e1', 'client-a', 1_000), event('e2', 'client-b', 2_000), event('e3', 'client-a', 3_000)],
      [
        subscription('all-clients', null, 500),
        subscription('a-from-start', 'client-a', 500),
        subscription('a-created-later', 'client-a', 2_500),
        subscription('b-other-events', 'client-b', 500, ['token.revoked']),
      ],
    );
    expect(delivered.sort()).toEqual(
      ['e1->all-clients', 'e1->a-from-start', 'e2->all-clients', 'e3->all-clients', 'e3->a-from-start', 'e3->a-created-later'].sort(),
    );
    expect(created).toBe(6);
  });

  it('fans an event listed twice in one round out once', async () => {
    const twice = event('e1', 'client-a', 1_000);
    const { delivered } = await sweepWith([twice, twice], [subscription('all-clients', null, 500)]);
    expect(delivered).toEqual(['e1->all-clients']);
  });
});
