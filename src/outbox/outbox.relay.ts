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

  private announced: OutboxMessage[] = [];

  announce(message: OutboxMessage): void {
    // One deferred turn for every event committed in this one, not a timer each.
    if (this.announced.push(message) === 1) setImmediate(() => this.emitAnnounced());
  }

  private emitAnnounced(): void {
    const messages = this.announced;
    this.announced = [];
    for (const message of messages) {
      this.emitter.emitAsync(message.type, message).catch((error: unknown) => {
        this.logger.error(`A listener of ${message.type} failed: ${(error as Error).message}`);
      });
    }
  }
}
