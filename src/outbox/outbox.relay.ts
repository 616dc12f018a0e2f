import { Injectable, Logger } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import type { OutboxMessage } from './outbox.types.js';

/**
 * Announces committed events in-process; only the OutboxWriter calls it, after commit.
 * Emission is deferred to the next turn of the event loop so no listener runs on, or slows,
 * the request that committed them; listeners that miss an announcement find the event
 * again through the OutboxReader.
 */
@Injectable()
export class OutboxRelay {
  private readonly logger = new Logger(OutboxRelay.name);

  constructor(private readonly emitter: EventEmitter2) {}

  announce(message: OutboxMessage): void {
    setImmediate(() => {
      this.emitter.emitAsync(message.type, message).catch((error: unknown) => {
        this.logger.error(`A listener of ${message.type} failed: ${(error as Error).message}`);
      });
    });
  }
}
