import { nextAttemptAfterFailure, parseRetryAfter } from './retry-policy.js';

describe('nextAttemptAfterFailure', () => {
  const schedule = [0, 5, 300];
  const now = 1_000_000;

  it('follows the schedule with ±20 % jitter', () => {
    expect(nextAttemptAfterFailure(1, schedule, now, null, () => 0).nextAttemptAt).toBe(now + 4000);
    expect(nextAttemptAfterFailure(1, schedule, now, null, () => 1).nextAttemptAt).toBe(now + 6000);
    expect(nextAttemptAfterFailure(2, schedule, now, null, () => 0.5).nextAttemptAt).toBe(now + 300_000);
  });

  it('puts no jitter on a zero delay', () => {
    expect(nextAttemptAfterFailure(0, schedule, now, null, () => 1).nextAttemptAt).toBe(now);
  });

  it('stops after the last attempt', () => {
    expect(nextAttemptAfterFailure(3, schedule, now, null).nextAttemptAt).toBeNull();
  });

  it('honours Retry-After up to twice the scheduled delay', () => {
    expect(nextAttemptAfterFailure(1, schedule, now, 8, () => 0.5).nextAttemptAt).toBe(now + 8000);
    expect(nextAttemptAfterFailure(1, schedule, now, 3600, () => 0.5).nextAttemptAt).toBe(now + 10_000);
    expect(nextAttemptAfterFailure(1, schedule, now, 1, () => 0.5).nextAttemptAt).toBe(now + 5000);
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('120', now)).toBe(120);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:30 GMT', now)).toBe(30);
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter(undefined, now)).toBeNull();
  });
});
