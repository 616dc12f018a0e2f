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
   * Hand-written and conditional: marks the events processed inside the consumer's
   * transaction and returns the ids it marked. The UPDATE is conditional, so of several
   * consumers racing for one event (the in-process listener and the sweeper, in any process)
   * exactly one gets it. One statement for the whole list. The unary `+` keeps the
   * processed_at index out of the plan: SQLite would otherwise walk every unprocessed event
   * (a backlog, after an outage) instead of looking the listed ids up by primary key.
   */
  async takeOver(tx: Transaction, eventIds: readonly string[], now: number): Promise<Set<string>> {
    if (eventIds.length === 0) return new Set();
    const rows = await tx.query<{ id: string }>(
      `UPDATE outbox_events SET processed_at = ? WHERE ${this.db.oneOf('id')} AND +processed_at IS NULL RETURNING id`,
      [now, this.db.listParam(eventIds)],
    );
    return new Set(rows.map((row) => String(row.id)));
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
