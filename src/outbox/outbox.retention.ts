import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '../common/clock.js';
import { retentionConfig, type RetentionConfig } from '../config/retention.config.js';
import { purgeTiming, ScheduledPurge } from '../database/batched-purge.js';
import { Database } from '../database/database.js';

/**
 * Deletes outbox events that every consumer has taken over (`processed_at` set), once
 * OUTBOX_RETENTION_SECONDS have passed. An event not yet processed is never touched.
 */
@Injectable()
export class OutboxRetention extends ScheduledPurge {
  constructor(private readonly db: Database, clock: Clock, @Inject(retentionConfig.KEY) config: RetentionConfig) {
    super('processed outbox events', purgeTiming(config, config.outboxSeconds, clock));
  }

  /** One batch. The outer condition repeats the inner one: PostgreSQL re-checks it on rows changed meanwhile. */
  protected purgeBatch(before: number, limit: number): Promise<number> {
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
