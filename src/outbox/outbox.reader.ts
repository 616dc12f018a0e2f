import { Injectable } from '@nestjs/common';
import { Database, type Transaction } from '../database/database.js';
import type { OutboxMessage } from './outbox.types.js';

/** How consumers read the outbox: committed events not yet taken over, and taking one over. */
@Injectable()
export class OutboxReader {
  constructor(private readonly db: Database) {}

  /**
   * Marks the event processed inside the consumer's transaction. The UPDATE is conditional,
   * so of several consumers racing for one event (the in-process listener and the sweeper,
   * in any process) exactly one gets `true`.
   */
  async takeOver(tx: Transaction, eventId: string, now: number): Promise<boolean> {
    return (await tx.execute('UPDATE outbox_events SET processed_at = ? WHERE id = ? AND processed_at IS NULL', [now, eventId])) > 0;
  }

  /** Committed, unprocessed events of the given types, oldest first. */
  async unprocessed(types: readonly string[], createdAtOrBefore: number, limit: number): Promise<OutboxMessage[]> {
    if (types.length === 0) return [];
    const placeholders = types.map(() => '?').join(', ');
    const rows = await this.db.query<{ id: string; type: string; payload: string; created_at: unknown }>(
      `SELECT id, type, payload, created_at FROM outbox_events
        WHERE processed_at IS NULL AND type IN (${placeholders}) AND created_at <= ?
        ORDER BY created_at LIMIT ?`,
      [...types, createdAtOrBefore, limit],
    );
    return rows.map((row) => ({
      id: String(row.id),
      type: String(row.type),
      occurredAt: this.db.num(row.created_at),
      data: JSON.parse(String(row.payload)) as unknown,
    }));
  }
}
