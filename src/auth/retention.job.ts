import { Inject, Injectable, Logger } from '@nestjs/common';
import { Clock } from '../common/clock.js';
import { retentionConfig, type RetentionConfig } from '../config/retention.config.js';
import { PurgeSchedule, purgeInBatches, purgeTiming, ScheduledPurge } from '../database/batched-purge.js';
import { RefreshTokenRepository } from './refresh-token.repository.js';

const GRACE_SWEEP_MS = 5_000;
/** Kept successors wiped by one transaction of the grace sweep, at most. */
const GRACE_SWEEP_BATCH = 500;

/**
 * Wipes kept successors once their grace window ends, and purges families (with their
 * consumed tokens) that ended more than FAMILY_RETENTION_SECONDS ago. A live family is never
 * touched: consumed hashes stay until the family's absolute expiry, so reuse stays detectable.
 */
@Injectable()
export class RetentionJob extends ScheduledPurge {
  /** Kept successors whose grace window has ended, wiped in short batches with the event loop running between them. */
  private readonly graceSweep = new PurgeSchedule(
    new Logger(RetentionJob.name),
    'kept successors past their grace window',
    (signal) => {
      const now = this.clock.now();
      return purgeInBatches((size) => this.store.wipeExpiredGrace(now, size), GRACE_SWEEP_BATCH, signal);
    },
    false,
  );

  constructor(
    private readonly store: RefreshTokenRepository,
    private readonly clock: Clock,
    @Inject(retentionConfig.KEY) config: RetentionConfig,
  ) {
    super('ended refresh-token families', purgeTiming(config, config.familySeconds, clock));
  }

  override onApplicationBootstrap(): void {
    this.graceSweep.start(GRACE_SWEEP_MS);
    super.onApplicationBootstrap();
  }

  override async onModuleDestroy(): Promise<void> {
    await this.graceSweep.stop();
    return super.onModuleDestroy();
  }

  /** One grace sweep now (never two at once, none once the job stops). */
  wipeGrace(): Promise<void> {
    return this.graceSweep.runOnce();
  }

  protected purgeBatch(before: number, size: number): Promise<number> {
    return this.store.purgeEndedFamilies(before, size);
  }
}
