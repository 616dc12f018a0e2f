import { Injectable } from '@nestjs/common';
import { Database, type Transaction } from '../database/database.js';
import { In, IsNull, LessThanOrEqual } from 'typeorm';
import { OutboxEvent } from './outbox-event.entity.js';
import type { OutboxMessage } from './outbox.types.js';

/** How consumers read the outbox: committed events not yet taken over, and taking one over. */
@Injectable()
export class OutboxReader {
  constructor(private readonly db: Database) {}

  /**
   * Hand-written and conditional. Marks the event processed inside the consumer's transaction. The UPDATE is conditional,
   * so of several consumers racing for one event (the in-process listener and the sweeper,
   * in any process) exactly one gets `true`.
   */
  async takeOver(tx: Transaction, eventId: string, now: number): Promise<boolean> {
    return (await tx.execute('UPDATE outbox_events SET processed_at = ? WHERE id = ? AND processed_at IS NULL', [now, eventId])) > 0;
  }

  /** Committed, unprocessed events of the given types, oldest first. */
  async unprocessed(types: readonly string[], createdAtOrBefore: number, limit: number): Promise<OutboxMessage[]> {
    if (types.length === 0) return [];
    const events = await this.db.dataSource.getRepository(OutboxEvent).find({
      where: { processedAt: IsNull(), type: In([...types]), createdAt: LessThanOrEqual(createdAtOrBefore) },
      order: { createdAt: 'ASC' },
      take: limit,
    });
    return events.map((event) => ({ id: event.id, type: event.type, occurredAt: event.createdAt, data: JSON.parse(event.payload) as unknown }));
  }
}
