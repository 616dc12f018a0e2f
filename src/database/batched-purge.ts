import type { Logger } from '@nestjs/common';

/**
 * Removes rows one short transaction at a time: `batch` deletes at most `size` rows and says
 * how many it removed. Between batches the event loop runs, so requests that queued behind
 * one batch (SQLite has one writer) go before the next, and no purge holds the writer long.
 */
export async function purgeInBatches(batch: (size: number) => Promise<number>, size: number, signal?: AbortSignal): Promise<number> {
  let total = 0;
  for (;;) {
    const removed = await batch(size);
    total += removed;
    // A backlog (the first purge after an upgrade) must not hold a shutdown: the rest waits for the next run.
    if (removed < size || signal?.aborted) return total;
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
  ) {}

  start(intervalMs: number): void {
    this.timer = setInterval(() => void this.runOnce(), intervalMs).unref();
  }

  runOnce(): Promise<void> {
    if (this.stopping.signal.aborted) return Promise.resolve();
    this.running ??= this.purge(this.stopping.signal)
      .then((purged) => {
        if (purged > 0) this.logger.log(`Purged ${purged} ${this.what}`);
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
