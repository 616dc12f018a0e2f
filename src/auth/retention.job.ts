import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { Clock } from '../common/clock.js';
import { retentionConfig, type RetentionConfig } from '../config/retention.config.js';
import { purgeInBatches, PurgeSchedule } from '../database/batched-purge.js';
import { RefreshTokenStore } from './refresh-token.store.js';

const GRACE_SWEEP_MS = 5_000;

/**
 * Wipes kept successors once their grace window ends, and purges families (with their
 * consumed tokens) that ended more than FAMILY_RETENTION_SECONDS ago. A live family is never
 * touched: consumed hashes stay until the family's absolute expiry, so reuse stays detectable.
 */
@Injectable()
export class RetentionJob implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(RetentionJob.name);
  private graceTimer: NodeJS.Timeout | undefined;
  private readonly schedule = new PurgeSchedule(this.logger, 'ended refresh-token families', (signal) => this.purge(signal));

  constructor(
    private readonly store: RefreshTokenStore,
    private readonly clock: Clock,
    @Inject(retentionConfig.KEY) private readonly config: RetentionConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.graceTimer = setInterval(() => void this.wipeGrace(), GRACE_SWEEP_MS).unref();
    this.schedule.start(this.config.intervalSeconds * 1000);
  }

  onModuleDestroy(): Promise<void> {
    clearInterval(this.graceTimer);
    return this.schedule.stop();
  }

  async wipeGrace(): Promise<void> {
    await this.store.wipeExpiredGrace(this.clock.now()).catch((error: Error) => this.logger.warn(`Grace sweep failed: ${error.message}`));
  }

  /** Every family that ended before the retention cutoff, in batches; returns how many. */
  purge(signal?: AbortSignal): Promise<number> {
    const before = this.clock.now() - this.config.familySeconds * 1000;
    return purgeInBatches((size) => this.store.purgeEndedFamilies(before, size), this.config.batchSize, signal);
  }
}
