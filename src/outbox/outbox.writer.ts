import { Injectable } from '@nestjs/common';
import { timeOrderedId } from '../common/crypto/time-ordered-id.js';
import type { Transaction } from '../database/database.js';
import { OutboxConsumers } from './outbox.consumers.js';
import { OutboxRelay } from './outbox.relay.js';
import type { OutboxMessage } from './outbox.types.js';

/**
 * Records events inside the caller's transaction, so they commit or vanish with it, and has
 * the transaction announce them once it has committed: callers never announce themselves.
 */
@Injectable()
export class OutboxWriter {
  constructor(
    private readonly relay: OutboxRelay,
    private readonly consumers: OutboxConsumers,
  ) {}

  async record<TType extends string, TData>(
    tx: Transaction,
    type: TType,
    data: TData,
    occurredAt = Date.now(),
  ): Promise<OutboxMessage<TType, TData>> {
    const message = { id: timeOrderedId(occurredAt), type, occurredAt, data };
    // Prepared: one insert per refresh, where TypeORM's insert would cost more than the statement.
    // With no consumer in this process nothing will take the event over: it is stored processed,
    // so retention purges it (see OutboxConsumers).
    await tx.execute('INSERT INTO outbox_events (id, type, payload, created_at, processed_at) VALUES (?, ?, ?, ?, ?)', [
      message.id,
      type,
      JSON.stringify(data),
      occurredAt,
      this.consumers.any ? null : occurredAt,
    ]);
    tx.afterCommit(() => this.relay.announce(message));
    return message;
  }
}
