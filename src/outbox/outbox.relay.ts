import { Injectable, Logger } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import type { OutboxMessage } from './outbox.types.js';

/**
 * Announces committed events in-process. Emission is deferred to the next turn of the
 * event loop so no listener runs on, or slows, the request that committed them; listeners
 * that miss an announcement find the event again in the outbox table.
 */
@Injectable()
export class OutboxRelay {
  private readonly logger = new Logger(OutboxRelay.name);

  constructor(private readonly emitter: EventEmitter2) {}

  announce(messages: readonly OutboxMessage[]): void {
    if (messages.length === 0) return;
    setImmediate(() => {
      for (const message of messages) {
        this.emitter.emitAsync(message.type, message).catch((error: unknown) => {
          this.logger.error(`A listener of ${message.type} failed: ${(error as Error).message}`);
        });
      }
    });
  }
}
