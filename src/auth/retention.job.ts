import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { Clock } from '../common/clock.js';
import { appConfig, type AppConfig } from '../config/app.config.js';
import { RefreshTokenStore } from './refresh-token.store.js';

const GRACE_SWEEP_MS = 5_000;
const PURGE_EVERY_MS = 60 * 60 * 1000;

/**
 * Wipes kept successors once their grace window ends, and purges families (with their
 * consumed tokens) that ended more than RETENTION_DAYS ago.
 */
@Injectable()
export class RetentionJob implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(RetentionJob.name);
  private timers: NodeJS.Timeout[] = [];

  constructor(
    private readonly store: RefreshTokenStore,
    private readonly clock: Clock,
    @Inject(appConfig.KEY) private readonly app: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.timers = [
      setInterval(() => void this.wipeGrace(), GRACE_SWEEP_MS).unref(),
      setInterval(() => void this.purge(), PURGE_EVERY_MS).unref(),
    ];
  }

  onModuleDestroy(): void {
    this.timers.forEach(clearInterval);
  }

  async wipeGrace(): Promise<void> {
    await this.store.wipeExpiredGrace(this.clock.now()).catch((error: Error) => this.logger.warn(`Grace sweep failed: ${error.message}`));
  }

  async purge(): Promise<void> {
    const before = this.clock.now() - this.app.retentionDays * 24 * 60 * 60 * 1000;
    try {
      const purged = await this.store.purgeFamilies(before);
      if (purged > 0) this.logger.log(`Purged ${purged} ended refresh-token families`);
    } catch (error) {
      this.logger.warn(`Purge failed: ${(error as Error).message}`);
    }
  }
}
