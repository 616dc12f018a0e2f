/** Port for the rate-limit storage's state; implemented by the metrics module. */
export interface RateLimitMetrics {
  /** 1 while Redis is unreachable and this process counts in memory, else 0. */
  rateLimitStorageDegraded(degraded: boolean): void;
}
export const RATE_LIMIT_METRICS = Symbol('RATE_LIMIT_METRICS');

/** What /health says about the rate-limit counters. */
export interface RateLimitStorageState {
  /** Where the counters live now. */
  storage: 'redis' | 'memory';
  /** True while the configured shared storage (Redis) is unreachable. */
  degraded: boolean;
}

/** A storage that can describe itself to /health. */
export interface DescribedRateLimitStorage {
  state(): RateLimitStorageState;
}
