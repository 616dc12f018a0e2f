import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { Clock } from '../common/clock.js';
import { retentionConfig, type RetentionConfig } from '../config/retention.config.js';
import { purgeInBatches, PurgeSchedule } from '../database/batched-purge.js';
import { Database } from '../database/database.js';

/**
 * Deletes outbox events that every consumer has taken over (`processed_at` set), once
 * OUTBOX_RETENTION_SECONDS have passed. An event not yet processed is never touched.
 */
@Injectable()
export class OutboxRetention implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly schedule = new PurgeSchedule(new Logger(OutboxRetention.name), 'processed outbox events', (signal) => this.purge(signal));

  constructor(
    private readonly db: Database,
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
    const before = this.clock.now() - this.config.outboxSeconds * 1000;
    return purgeInBatches((size) => this.purgeProcessed(before, size), this.config.batchSize, signal);
  }

  /** One batch. The outer condition repeats the inner one: PostgreSQL re-checks it on rows changed meanwhile. */
  purgeProcessed(before: number, limit: number): Promise<number> {
    return this.db.transaction((tx) =>
      tx.execute(
        `DELETE FROM outbox_events
          WHERE id IN (SELECT id FROM outbox_events WHERE processed_at IS NOT NULL AND processed_at < ? ORDER BY processed_at LIMIT ?)
            AND processed_at IS NOT NULL AND processed_at < ?`,
        [before, limit, before],
      ),
    );
  }
}
