/**
 * Injection token of the rate-limit counters: any implementation of @nestjs/throttler's
 * `ThrottlerStorage` interface (in memory by default; a Redis one shares counts between
 * processes). Our own token, because @nestjs/throttler's runtime cannot be loaded under Jest.
 */
export const RATE_LIMIT_STORAGE = Symbol('RATE_LIMIT_STORAGE');
