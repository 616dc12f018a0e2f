import { Injectable, Logger } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { TokenEvents, type TokenEvent } from '../auth/events/token-events.js';
import { WebhookFanOut } from './webhook-fan-out.service.js';
import { WebhookDispatcher } from './webhook.dispatcher.js';

/**
 * Fans announced token events out to subscriptions and wakes the dispatcher. It never
 * throws into the emitter: an event it fails on stays unprocessed in the outbox and the
 * sweeper picks it up.
 */
@Injectable()
export class TokenEventListener {
  private readonly logger = new Logger(TokenEventListener.name);

  constructor(
    private readonly fanOut: WebhookFanOut,
    private readonly dispatcher: WebhookDispatcher,
  ) {}

  @OnEvent(TokenEvents.Issued)
  @OnEvent(TokenEvents.Refreshed)
  @OnEvent(TokenEvents.ReuseDetected)
  @OnEvent(TokenEvents.Revoked)
  async onTokenEvent(event: TokenEvent): Promise<void> {
    try {
      if ((await this.fanOut.fanOut(event)) > 0) this.dispatcher.kick();
    } catch (error) {
      this.logger.warn(`Fan-out of ${event.type} ${event.id} failed (the sweeper retries): ${(error as Error).message}`);
    }
  }
}
