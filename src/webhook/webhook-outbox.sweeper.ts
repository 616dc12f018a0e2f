import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { Clock } from '../common/clock.js';
import { appConfig, type AppConfig } from '../config/app.config.js';
import { webhookConfig, type WebhookConfig } from '../config/webhook.config.js';
import { WebhookDeliveryStore } from './webhook-delivery.store.js';
import { WebhookFanOut } from './webhook-fan-out.service.js';
import { WebhookDispatcher } from './webhook.dispatcher.js';

const PURGE_EVERY_MS = 60 * 60 * 1000;
/** The in-process announcement normally wins; the sweeper leaves it a moment. */
const ANNOUNCEMENT_HEAD_START_MS = 2_000;

/**
 * At start and periodically, fans out events that were committed but never announced
 * (a crash between commit and announcement), and purges ended deliveries after the
 * retention period.
 */
@Injectable()
export class WebhookOutboxSweeper implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(WebhookOutboxSweeper.name);
  private timers: NodeJS.Timeout[] = [];
  private sweeping: Promise<void> | undefined;

  constructor(
    private readonly fanOut: WebhookFanOut,
    private readonly deliveries: WebhookDeliveryStore,
    private readonly dispatcher: WebhookDispatcher,
    private readonly clock: Clock,
    @Inject(webhookConfig.KEY) private readonly config: WebhookConfig,
    @Inject(appConfig.KEY) private readonly app: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    void this.sweep(this.clock.now());
    this.timers = [
      setInterval(() => void this.sweep(this.clock.now() - ANNOUNCEMENT_HEAD_START_MS), this.config.sweepMs).unref(),
      setInterval(() => void this.purge(), PURGE_EVERY_MS).unref(),
    ];
  }

  async onModuleDestroy(): Promise<void> {
    this.timers.forEach(clearInterval);
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

  async purge(): Promise<void> {
    try {
      const purged = await this.deliveries.purgeEnded(this.clock.now() - this.app.retentionDays * 24 * 60 * 60 * 1000);
      if (purged > 0) this.logger.log(`Purged ${purged} ended webhook deliveries`);
    } catch (error) {
      this.logger.warn(`Webhook purge failed: ${(error as Error).message}`);
    }
  }
}
