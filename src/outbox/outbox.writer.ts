import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Transaction } from '../database/database.js';
import { OutboxRelay } from './outbox.relay.js';
import type { OutboxMessage } from './outbox.types.js';

/**
 * Records events inside the caller's transaction, so they commit or vanish with it, and has
 * the transaction announce them once it has committed: callers never announce themselves.
 */
@Injectable()
export class OutboxWriter {
  constructor(private readonly relay: OutboxRelay) {}

  async record<TType extends string, TData>(
    tx: Transaction,
    type: TType,
    data: TData,
    occurredAt = Date.now(),
  ): Promise<OutboxMessage<TType, TData>> {
    const message = { id: randomUUID(), type, occurredAt, data };
    // Prepared: one insert per refresh, where TypeORM's insert would cost more than the statement.
    await tx.execute('INSERT INTO outbox_events (id, type, payload, created_at) VALUES (?, ?, ?, ?)', [
      message.id,
      type,
      JSON.stringify(data),
      occurredAt,
    ]);
    tx.afterCommit(() => this.relay.announce(message));
    return message;
  }
}
