import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '../common/clock.js';
import { retentionConfig, type RetentionConfig } from '../config/retention.config.js';
import { purgeTiming, ScheduledPurge } from '../database/batched-purge.js';
import { WebhookDeliveryRepository } from './webhook-delivery.repository.js';

/** Purges ended deliveries and their attempt logs WEBHOOK_DELIVERY_RETENTION_SECONDS after they ended. */
@Injectable()
export class WebhookRetention extends ScheduledPurge {
  constructor(private readonly deliveries: WebhookDeliveryRepository, clock: Clock, @Inject(retentionConfig.KEY) config: RetentionConfig) {
    super('ended webhook deliveries', purgeTiming(config, config.webhookDeliverySeconds, clock));
  }

  protected purgeBatch(before: number, size: number): Promise<number> {
    return this.deliveries.purgeEnded(before, size);
  }
}
