import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { Clock } from '../common/clock.js';
import { retentionConfig, type RetentionConfig } from '../config/retention.config.js';
import { purgeInBatches, PurgeSchedule } from '../database/batched-purge.js';
import { WebhookDeliveryStore } from './webhook-delivery.store.js';

/** Purges ended deliveries and their attempt logs WEBHOOK_DELIVERY_RETENTION_SECONDS after they ended. */
@Injectable()
export class WebhookRetention implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly schedule = new PurgeSchedule(new Logger(WebhookRetention.name), 'ended webhook deliveries', (signal) => this.purge(signal));

  constructor(
    private readonly deliveries: WebhookDeliveryStore,
    private readonly clock: Clock,
    @Inject(retentionConfig.KEY) private readonly config: RetentionConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.schedule.start(this.config.intervalSeconds * 1000);
  }

  onModuleDestroy(): Promise<void> {
    return this.schedule.stop();
  }

  purge(signal?: AbortSignal): Promise<number> {
    const before = this.clock.now() - this.config.webhookDeliverySeconds * 1000;
    return purgeInBatches((size) => this.deliveries.purgeEnded(before, size), this.config.batchSize, signal);
  }
}
