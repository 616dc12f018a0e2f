import { Clock } from '../common/clock.js';

/**
 * A Clock the test moves: it runs with real time from `start` (default now), and `advance()`
 * jumps it forward. It keeps running between jumps so that things ordered in time (an event
 * after the subscription that should receive it) stay ordered.
 */
export class ControllableClock extends Clock {
  private offset: number;

  constructor(start: number = Date.now()) {
    super();
    this.offset = start - Date.now();
  }

  override now(): number {
    return Date.now() + this.offset;
  }

  /** Moves the clock forward by `seconds` (fractions allowed). */
  advance(seconds: number): void {
    if (!(seconds >= 0)) throw new Error('A clock only moves forward');
    this.offset += Math.round(seconds * 1000);
  }

  /** Sets the clock to an epoch-millisecond time; it runs on from there. */
  set(epochMs: number): void {
    this.offset = epochMs - Date.now();
  }
}
