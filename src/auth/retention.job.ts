import { Inject, Injectable, Logger } from '@nestjs/common';
import { Clock } from '../common/clock.js';
import { retentionConfig, type RetentionConfig } from '../config/retention.config.js';
import { purgeInBatches, purgeTiming, ScheduledPurge } from '../database/batched-purge.js';
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
  private readonly logger = new Logger(RetentionJob.name);
  private graceTimer: NodeJS.Timeout | undefined;
  private sweeping: Promise<void> | undefined;
  private readonly stopping = new AbortController();

  constructor(
    private readonly store: RefreshTokenRepository,
    private readonly clock: Clock,
    @Inject(retentionConfig.KEY) config: RetentionConfig,
  ) {
    super('ended refresh-token families', purgeTiming(config, config.familySeconds, clock));
  }

  override onApplicationBootstrap(): void {
    this.graceTimer = setInterval(() => void this.wipeGrace(), GRACE_SWEEP_MS).unref();
    super.onApplicationBootstrap();
  }

  override async onModuleDestroy(): Promise<void> {
    clearInterval(this.graceTimer);
    this.stopping.abort();
    await this.sweeping;
    return super.onModuleDestroy();
  }

  /**
   * Wipes the kept successors whose grace window has ended, in short batches with the event
   * loop running between them; never two sweeps at once, and none once the job stops.
   */
  wipeGrace(): Promise<void> {
    if (this.stopping.signal.aborted) return Promise.resolve();
    const now = this.clock.now();
    this.sweeping ??= purgeInBatches((size) => this.store.wipeExpiredGrace(now, size), GRACE_SWEEP_BATCH, this.stopping.signal)
      .then(() => undefined)
      .catch((error: Error) => this.logger.warn(`Grace sweep failed: ${error.message}`))
      .finally(() => {
        this.sweeping = undefined;
      });
    return this.sweeping;
  }

  protected purgeBatch(before: number, size: number): Promise<number> {
    return this.store.purgeEndedFamilies(before, size);
  }
}
