import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { Clock } from '../common/clock.js';
import { webhookConfig, type WebhookConfig } from '../config/webhook.config.js';
import { WebhookFanOut } from './webhook-fan-out.service.js';
import { WebhookDispatcher } from './webhook.dispatcher.js';

/** The in-process announcement normally wins; the sweeper leaves it a moment. */
const ANNOUNCEMENT_HEAD_START_MS = 2_000;

/**
 * At start and periodically, fans out events that were committed but never announced
 * (a crash between commit and announcement).
 */
@Injectable()
export class WebhookOutboxSweeper implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(WebhookOutboxSweeper.name);
  private timer: NodeJS.Timeout | undefined;
  private sweeping: Promise<void> | undefined;

  constructor(
    private readonly fanOut: WebhookFanOut,
    private readonly dispatcher: WebhookDispatcher,
    private readonly clock: Clock,
    @Inject(webhookConfig.KEY) private readonly config: WebhookConfig,
  ) {}

  onApplicationBootstrap(): void {
    void this.sweep(this.clock.now());
    this.timer = setInterval(() => void this.sweep(this.clock.now() - ANNOUNCEMENT_HEAD_START_MS), this.config.sweepMs).unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.sweeping;
  }

  sweep(olderThan: number): Promise<void> {
    this.sweeping ??= this.fanOut
      .sweep(olderThan)
      .then((created) => {
        if (created > 0) {
          this.logger.log(`Fanned out ${created} webhook deliveries from unannounced events`);
          this.dispatcher.kick();
        }
      })
      .catch((error: Error) => this.logger.warn(`Outbox sweep failed: ${error.message}`))
      .finally(() => {
        this.sweeping = undefined;
      });
    return this.sweeping;
  }

}
