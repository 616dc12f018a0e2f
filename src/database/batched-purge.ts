import { Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';

/**
 * What one batch did, when it can end short of `size` with more left: a batch bounded by
 * something besides its row count (the tokens of the families it purges) says `full` when
 * that bound stopped it.
 */
export interface BatchOutcome {
  removed: number;
  full: boolean;
}

/**
 * Removes rows one short transaction at a time: `batch` deletes at most `size` rows and says
 * how many it removed (or a BatchOutcome). Batches go on while they come back full. Between
 * batches the event loop runs, so requests that queued behind one batch (SQLite has one
 * writer) go before the next, and no purge holds the writer long.
 */
export async function purgeInBatches(batch: (size: number) => Promise<number | BatchOutcome>, size: number, signal?: AbortSignal): Promise<number> {
  let total = 0;
  for (;;) {
    const outcome = await batch(size);
    const { removed, full } = typeof outcome === 'number' ? { removed: outcome, full: outcome >= size } : outcome;
    total += removed;
    // A backlog (the first purge after an upgrade) must not hold a shutdown: the rest waits for the next run.
    if (!full || signal?.aborted) return total;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** Runs `purge` every `intervalMs`, never two at once; a failure is logged and retried next time. */
export class PurgeSchedule {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private readonly stopping = new AbortController();

  constructor(
    private readonly logger: Logger,
    private readonly what: string,
    /** One purge; it should end after its current batch once `signal` is aborted (see purgeInBatches). */
    private readonly purge: (signal: AbortSignal) => Promise<number>,
    /** Say how many rows each run removed (off for a sweep that runs every few seconds). */
    private readonly reportPurged = true,
  ) {}

  start(intervalMs: number): void {
    this.timer = setInterval(() => void this.runOnce(), intervalMs).unref();
  }

  runOnce(): Promise<void> {
    if (this.stopping.signal.aborted) return Promise.resolve();
    this.running ??= this.purge(this.stopping.signal)
      .then((purged) => {
        if (purged > 0 && this.reportPurged) this.logger.log(`Purged ${purged} ${this.what}`);
      })
      .catch((error: Error) => this.logger.warn(`Purge of ${this.what} failed: ${error.message}`))
      .finally(() => {
        this.running = undefined;
      });
    return this.running;
  }

  /** Stops the timer and waits for the batch in progress, so the database closes after it. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.stopping.abort();
    await this.running;
  }
}

/** When and how a retention job runs, and how long it keeps what it purges. */
export interface PurgeTiming {
  intervalMs: number;
  batchSize: number;
  retentionMs: number;
  /** Epoch milliseconds now. */
  now: () => number;
}

/** The timing of a retention job from the retention settings (seconds) and a clock. */
export function purgeTiming(
  settings: { intervalSeconds: number; batchSize: number },
  retentionSeconds: number,
  clock: { now(): number },
): PurgeTiming {
  return { intervalMs: settings.intervalSeconds * 1000, batchSize: settings.batchSize, retentionMs: retentionSeconds * 1000, now: () => clock.now() };
}

/**
 * A retention job: from the application's start until its shutdown, every `intervalMs`,
 * purges in batches what ended more than `retentionMs` ago. A subclass names the batch.
 */
export abstract class ScheduledPurge implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly schedule: PurgeSchedule;

  protected constructor(
    what: string,
    private readonly timing: PurgeTiming,
  ) {
    this.schedule = new PurgeSchedule(new Logger(this.constructor.name), what, (signal) => this.purge(signal));
  }

  /** Deletes at most `size` rows that ended before `before`; returns how many it deleted (see purgeInBatches). */
  protected abstract purgeBatch(before: number, size: number): Promise<number | BatchOutcome>;

  onApplicationBootstrap(): void {
    this.schedule.start(this.timing.intervalMs);
  }

  onModuleDestroy(): Promise<void> {
    return this.schedule.stop();
  }

  /** Everything past the retention, in batches; returns how many rows. */
  purge(signal?: AbortSignal): Promise<number> {
    const before = this.timing.now() - this.timing.retentionMs;
    return purgeInBatches((size) => this.purgeBatch(before, size), this.timing.batchSize, signal);
  }
}
