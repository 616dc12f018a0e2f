import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { randomBytes, randomUUID } from 'node:crypto';
import { databaseConfig, type DatabaseConfig } from '../config/database.config.js';
import { databaseFaultCause, type DatabaseFaultCause } from './database-fault.js';
import { Database } from './database.js';

/** Port for counting database-fault answers; implemented by the metrics module. */
export interface DatabaseFaultMetrics {
  databaseFault(cause: DatabaseFaultCause): void;
}
export const DATABASE_FAULT_METRICS = Symbol('DATABASE_FAULT_METRICS');

/**
 * Larger than a SQLite page (4 KiB) and incompressible, so the probe needs a fresh page
 * exactly as a rotation's inserts do: a full database fails it.
 */
const PROBE_BYTES = 6 * 1024;

export type WriteHealth = { ok: true } | { ok: false; cause: DatabaseFaultCause; since: string };

/**
 * Whether this process can write to its database. A request that failed on a database fault
 * marks writes as failing; readiness then re-checks them with a probe write (inserted and
 * deleted in one transaction), which alone clears the mark. So readiness turns 503 as soon as
 * writes fail (disk full, read-only, unreachable) and back to 200 once they succeed, without
 * a restart.
 */
@Injectable()
export class DatabaseHealth {
  private readonly logger = new Logger(DatabaseHealth.name);
  private failing?: { cause: DatabaseFaultCause; since: Date };
  private probe?: Promise<void>;
  private readonly probeKey = `health.write-probe:${randomUUID()}`;

  constructor(
    private readonly database: Database,
    @Inject(databaseConfig.KEY) private readonly config: DatabaseConfig,
    @Optional() @Inject(DATABASE_FAULT_METRICS) private readonly metrics?: DatabaseFaultMetrics,
  ) {}

  get retryAfterSeconds(): number {
    return this.config.retryAfterSeconds;
  }

  /** A request was answered 503 because of `cause`. */
  faultAnswered(cause: DatabaseFaultCause): void {
    this.metrics?.databaseFault(cause);
    this.markFailing(cause);
  }

  /** Writes are fine unless a fault was seen; then a probe write decides (one at a time). */
  async writeHealth(): Promise<WriteHealth> {
    if (this.failing) {
      this.probe ??= this.probeWrite().finally(() => (this.probe = undefined));
      await this.probe;
    }
    return this.failing ? { ok: false, cause: this.failing.cause, since: this.failing.since.toISOString() } : { ok: true };
  }

  private markFailing(cause: DatabaseFaultCause): void {
    if (!this.failing) this.logger.warn(`Database writes failing (${cause}); readiness answers 503 until a write succeeds`);
    this.failing = { cause, since: this.failing?.since ?? new Date() };
  }

  private async probeWrite(): Promise<void> {
    try {
      await this.database.transaction(async (tx) => {
        await tx.execute('INSERT INTO settings (key, value) VALUES (?, ?)', [this.probeKey, randomBytes(PROBE_BYTES / 2).toString('hex')]);
        await tx.execute('DELETE FROM settings WHERE key = ?', [this.probeKey]);
      });
      if (this.failing) this.logger.log(`Database writes succeed again after failing since ${this.failing.since.toISOString()} (${this.failing.cause})`);
      this.failing = undefined;
    } catch (error) {
      this.markFailing(databaseFaultCause(error) ?? 'io_error');
    }
  }
}
