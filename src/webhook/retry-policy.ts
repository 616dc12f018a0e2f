const JITTER = 0.2;

export interface RetryDecision {
  /** Epoch ms of the next attempt, or null when the schedule is exhausted. */
  nextAttemptAt: number | null;
}

/**
 * When to try again after a failed attempt. `schedule[n]` is the delay in seconds before
 * attempt n+1 (the first included); every non-zero delay gets ±20 % jitter so that a
 * receiver coming back is not hit by every retry at once. A `Retry-After` from the
 * receiver is honoured, up to twice the scheduled delay.
 */
export function nextAttemptAfterFailure(
  attemptsMade: number,
  schedule: readonly number[],
  now: number,
  retryAfterSeconds: number | null,
  random: () => number = Math.random,
): RetryDecision {
  if (attemptsMade >= schedule.length) return { nextAttemptAt: null };
  const scheduled = schedule[attemptsMade]! * 1000;
  let delay = scheduled === 0 ? 0 : scheduled * (1 - JITTER + 2 * JITTER * random());
  if (retryAfterSeconds !== null && retryAfterSeconds > 0) {
    delay = Math.max(delay, Math.min(retryAfterSeconds * 1000, 2 * scheduled));
  }
  return { nextAttemptAt: now + Math.round(delay) };
}

/** `Retry-After` as seconds (delta-seconds or an HTTP date), or null. */
export function parseRetryAfter(value: unknown, now: number): number | null {
  if (typeof value !== 'string' || value.trim() === '') return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return null;
  return Math.max(0, Math.ceil((date - now) / 1000));
}
