/**
 * Drains a queue in rounds, one at a time and at most one per interval, so that under load one
 * round (one transaction) carries everything that arrived since the last. What arrives while a
 * round runs goes into the next. `round` must not throw: it reports its own failures.
 */
export class PacedRounds {
  private running: Promise<void> | undefined;
  private lastRoundAt = -Infinity;

  constructor(
    private readonly intervalMs: number,
    private readonly pending: () => boolean,
    private readonly round: () => Promise<void>,
    /** True while stopping: rounds then follow one another without waiting. */
    private readonly hurry: () => boolean,
  ) {}

  /** Starts draining unless a drain is already running. */
  start(): void {
    if (this.running) return;
    this.running = this.drain().finally(() => {
      this.running = undefined;
      if (this.pending()) this.start();
    });
  }

  /** Resolves once nothing is being drained. */
  async settled(): Promise<void> {
    while (this.running) await this.running;
  }

  private async drain(): Promise<void> {
    while (this.pending()) {
      const wait = this.lastRoundAt + this.intervalMs - performance.now();
      if (wait > 0 && !this.hurry()) await new Promise((resolve) => setTimeout(resolve, wait));
      this.lastRoundAt = performance.now();
      await this.round();
    }
  }
}
