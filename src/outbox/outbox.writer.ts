import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Transaction } from '../database/database.js';
import type { OutboxMessage } from './outbox.types.js';

/** Records events inside the caller's transaction, so they commit or vanish with it. */
@Injectable()
export class OutboxWriter {
  async record<TType extends string, TData>(
    tx: Transaction,
    type: TType,
    data: TData,
    occurredAt = Date.now(),
  ): Promise<OutboxMessage<TType, TData>> {
    const message = { id: randomUUID(), type, occurredAt, data };
    await tx.execute('INSERT INTO outbox_events (id, type, payload, created_at) VALUES (?, ?, ?, ?)', [
      message.id,
      type,
      JSON.stringify(data),
      occurredAt,
    ]);
    return message;
  }
}
