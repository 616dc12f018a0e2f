import { Injectable } from '@nestjs/common';
import { timeOrderedId } from '../common/crypto/time-ordered-id.js';
import type { Transaction } from '../database/database.js';
import { OutboxConsumers } from './outbox.consumers.js';
import { OutboxRelay } from './outbox.relay.js';
import type { OutboxMessage } from './outbox.types.js';

/** Inserts an event's row: the parameters are PreparedEvent's `row`. */
export const INSERT_EVENT = 'INSERT INTO outbox_events (id, type, payload, created_at, processed_at) VALUES (?, ?, ?, ?, ?)';

/** An event ready to be inserted by a caller's own statement (see OutboxWriter.prepare). */
export interface PreparedEvent<TType extends string = string, TData = unknown> {
  message: OutboxMessage<TType, TData>;
  /** `id, type, payload, created_at, processed_at` of its outbox_events row. */
  row: [string, TType, string, number, number | null];
}

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
    const { message, row } = this.prepare(type, data, occurredAt);
    // Prepared: one insert per refresh, where TypeORM's insert would cost more than the statement.
    await tx.execute(INSERT_EVENT, row);
    tx.afterCommit(() => this.relay.announce(message));
    return message;
  }

  /**
   * The row record() would insert, for a caller that inserts it itself (INSERT_EVENT, or within
   * a statement of its own: the PostgreSQL rotation is one statement); that caller announces
   * the event once it has committed, and only then.
   */
  prepare<TType extends string, TData>(type: TType, data: TData, occurredAt: number): PreparedEvent<TType, TData> {
    const message = { id: timeOrderedId(occurredAt), type, occurredAt, data };
    // With no consumer in this process nothing will take the event over: it is stored processed,
    // so retention purges it (see OutboxConsumers).
    return { message, row: [message.id, type, JSON.stringify(data), occurredAt, this.consumers.any ? null : occurredAt] };
  }

  /** Announces a prepared event whose row has committed. */
  announce(event: PreparedEvent): void {
    this.relay.announce(event.message);
  }
}
