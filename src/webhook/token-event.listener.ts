import { Injectable } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { TokenEvents, type TokenEvent } from '../auth/events/token-events.js';
import { WebhookFanOut } from './webhook-fan-out.service.js';

/**
 * Hands announced token events to the fan-out. It never throws into the emitter: an event
 * the fan-out fails on stays unprocessed in the outbox and the sweeper picks it up.
 */
@Injectable()
export class TokenEventListener {
  constructor(private readonly fanOut: WebhookFanOut) {}

  @OnEvent(TokenEvents.Issued)
  @OnEvent(TokenEvents.Refreshed)
  @OnEvent(TokenEvents.ReuseDetected)
  @OnEvent(TokenEvents.Revoked)
  onTokenEvent(event: TokenEvent): void {
    this.fanOut.fanOutSoon(event);
  }
}
