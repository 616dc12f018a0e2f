import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Database } from '../database/database.js';
import type { OutboxMessage } from '../outbox/outbox.types.js';
import { SUBSCRIBABLE_EVENTS, webhookData } from './webhook-events.js';

const SWEEP_BATCH = 200;

/**
 * Turns a committed outbox event into one delivery per matching subscription, and marks
 * the event processed, in one transaction. Marking first, conditionally, makes it
 * idempotent: of the listener and the sweeper (in any process) only one fans an event out.
 */
@Injectable()
export class WebhookFanOut {
  constructor(private readonly db: Database) {}

  /** Returns how many deliveries were created. */
  async fanOut(event: OutboxMessage): Promise<number> {
    if (!SUBSCRIBABLE_EVENTS.includes(event.type)) return 0;
    const clientId = (event.data as { clientId?: unknown } | null)?.clientId;
    return this.db.transaction(async (tx) => {
      const now = Date.now();
      const marked = await tx.execute('UPDATE outbox_events SET processed_at = ? WHERE id = ? AND processed_at IS NULL', [now, event.id]);
      if (marked === 0) return 0;
      // Only subscriptions that existed when the event was committed receive it.
      const subscriptions = await tx.query(
        `SELECT id, events FROM webhook_subscriptions
          WHERE enabled = ? AND created_at <= ? AND (client_id IS NULL OR client_id = ?)`,
        [true, event.occurredAt, typeof clientId === 'string' ? clientId : ''],
      );
      const payload = JSON.stringify(webhookData(event.data));
      let created = 0;
      for (const subscription of subscriptions) {
        if (!(JSON.parse(String(subscription.events)) as string[]).includes(event.type)) continue;
        created += await tx.execute(
          `INSERT INTO webhook_deliveries (id, subscription_id, event_id, event_type, payload, occurred_at, status, attempts, next_attempt_at, created_at)
           VALUES (?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?)
           ON CONFLICT (subscription_id, event_id) DO NOTHING`,
          [randomUUID(), subscription.id, event.id, event.type, payload, event.occurredAt, now, now],
        );
      }
      return created;
    });
  }

  /** Fans out committed events that were never announced (a crash between commit and announcement). */
  async sweep(olderThan: number): Promise<number> {
    const placeholders = SUBSCRIBABLE_EVENTS.map(() => '?').join(', ');
    let created = 0;
    for (;;) {
      const rows = await this.db.query(
        `SELECT id, type, payload, created_at FROM outbox_events
          WHERE processed_at IS NULL AND type IN (${placeholders}) AND created_at <= ?
          ORDER BY created_at LIMIT ?`,
        [...SUBSCRIBABLE_EVENTS, olderThan, SWEEP_BATCH],
      );
      for (const row of rows) {
        created += await this.fanOut({
          id: String(row.id),
          type: String(row.type),
          occurredAt: this.db.num(row.created_at),
          data: JSON.parse(String(row.payload)) as unknown,
        });
      }
      if (rows.length < SWEEP_BATCH) return created;
    }
  }
}
