import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ThrottlerStorage } from '@nestjs/throttler';
import { DomainError } from '../common/errors/domain-error.js';
import { RATE_LIMIT_STORAGE } from './rate-limit.storage.js';

/** One counter: at most `limit` hits per `windowMs` for `key`; past it, blocked for `blockMs` (or until hits age out). */
export interface RateLimitRule {
  name: string;
  key: string;
  limit: number;
  windowMs: number;
  blockMs?: number;
}

/**
 * Counts hits in the RATE_LIMIT_STORAGE provider (in memory by default; a shared storage such
 * as Redis can be bound to the same token so that every process counts together).
 */
@Injectable()
export class RateLimiter {
  private readonly logger = new Logger(RateLimiter.name);

  constructor(@Inject(RATE_LIMIT_STORAGE) private readonly storage: ThrottlerStorage) {}

  /**
   * Counts a hit on each rule in turn; at the first one over its limit, throws `rate_limited`
   * with the seconds to wait (the later rules are not counted for a refused request).
   */
  async consume(rules: RateLimitRule[]): Promise<void> {
    for (const rule of rules) {
      const record = await this.storage.increment(`${rule.name}:${rule.key}`, rule.windowMs, rule.limit, rule.blockMs ?? 0, rule.name);
      if (record.isBlocked) {
        const retryAfter = Math.max(record.timeToBlockExpire, 1);
        this.logger.debug(`Rate limit ${rule.name} exceeded; retry in ${retryAfter}s`);
        throw new DomainError('rate_limited', `Too many requests; retry in ${retryAfter} seconds`, { retryAfter });
      }
    }
  }
}
