import { Clock } from '../common/clock.js';

/** A Clock the test moves: starts at the real time, then only moves when told. */
export class ControllableClock extends Clock {
  private current: number;

  constructor(start: number = Date.now()) {
    super();
    this.current = start;
  }

  override now(): number {
    return this.current;
  }

  /** Moves the clock forward by `seconds` (fractions allowed). */
  advance(seconds: number): void {
    if (!(seconds >= 0)) throw new Error('A clock only moves forward');
    this.current += Math.round(seconds * 1000);
  }

  /** Sets the clock to an epoch-millisecond time. */
  set(epochMs: number): void {
    this.current = epochMs;
  }
}
