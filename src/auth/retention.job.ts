import { Inject, Injectable, Logger } from '@nestjs/common';
import { Clock } from '../common/clock.js';
import { retentionConfig, type RetentionConfig } from '../config/retention.config.js';
import { purgeTiming, ScheduledPurge } from '../database/batched-purge.js';
import { RefreshTokenRepository } from './refresh-token.repository.js';

const GRACE_SWEEP_MS = 5_000;

/**
 * Wipes kept successors once their grace window ends, and purges families (with their
 * consumed tokens) that ended more than FAMILY_RETENTION_SECONDS ago. A live family is never
 * touched: consumed hashes stay until the family's absolute expiry, so reuse stays detectable.
 */
@Injectable()
export class RetentionJob extends ScheduledPurge {
  private readonly logger = new Logger(RetentionJob.name);
  private graceTimer: NodeJS.Timeout | undefined;

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

  override onModuleDestroy(): Promise<void> {
    clearInterval(this.graceTimer);
    return super.onModuleDestroy();
  }

  async wipeGrace(): Promise<void> {
    await this.store.wipeExpiredGrace(this.clock.now()).catch((error: Error) => this.logger.warn(`Grace sweep failed: ${error.message}`));
  }

  protected purgeBatch(before: number, size: number): Promise<number> {
    return this.store.purgeEndedFamilies(before, size);
  }
}
