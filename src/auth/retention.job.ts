import { Inject, Injectable, Logger } from '@nestjs/common';
import { Clock } from '../common/clock.js';
import { retentionConfig, type RetentionConfig } from '../config/retention.config.js';
import { PurgeSchedule, purgeInBatches, purgeTiming, ScheduledPurge, type BatchOutcome } from '../database/batched-purge.js';
import { RefreshTokenRepository } from './refresh-token.repository.js';

const GRACE_SWEEP_MS = 5_000;
/** Kept successors wiped by one transaction of the grace sweep, at most. */
const GRACE_SWEEP_BATCH = 500;
/**
 * A batch of ended families is also bounded by their tokens: at most this many per family of
 * RETENTION_BATCH_SIZE (5,000 at the default 500), past its first family. A long-lived
 * family (a rotation every few minutes for its whole lifetime) holds thousands.
 */
const TOKENS_PER_FAMILY_IN_BATCH = 10;

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

  protected purgeBatch(before: number, size: number): Promise<BatchOutcome> {
    return this.store.purgeEndedFamilies(before, size, size * TOKENS_PER_FAMILY_IN_BATCH);
  }
}
