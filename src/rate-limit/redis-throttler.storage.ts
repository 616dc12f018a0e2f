import { Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { ThrottlerStorage } from '@nestjs/throttler';
import type { Redis } from 'ioredis';
import { InMemoryThrottlerStorage } from './in-memory-throttler.storage.js';
import type { DescribedRateLimitStorage, RateLimitMetrics, RateLimitStorageState } from './rate-limit-metrics.js';

/** While Redis is away, one request per interval tries it again; the others count in memory at once. */
const RETRY_REDIS_EVERY_MS = 1_000;

interface ThrottlerStorageRecord {
  totalHits: number;
  timeToExpire: number;
  isBlocked: boolean;
  timeToBlockExpire: number;
}

/**
 * One atomic step per hit, so that any number of processes count against one limit:
 * a fixed window per key (hits expire `ttl` ms after the window's first hit), and once over
 * the limit a block key that refuses further hits for `blockDuration` ms.
 * Returns hits, ms left in the window, blocked (0/1), ms left in the block.
 */
const INCREMENT = `
local blockLeft = redis.call('PTTL', KEYS[2])
if blockLeft > 0 then
  local hits = tonumber(redis.call('GET', KEYS[1]) or ARGV[2])
  return { hits, math.max(redis.call('PTTL', KEYS[1]), 0), 1, blockLeft }
end
local hits = redis.call('INCR', KEYS[1])
local windowLeft = redis.call('PTTL', KEYS[1])
if windowLeft < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  windowLeft = tonumber(ARGV[1])
end
if hits > tonumber(ARGV[2]) then
  local block = tonumber(ARGV[3])
  if block <= 0 then block = windowLeft end
  redis.call('SET', KEYS[2], '1', 'PX', block)
  return { hits, windowLeft, 1, block }
end
return { hits, windowLeft, 0, 0 }
`;

/**
 * @nestjs/throttler's storage in Redis (REDIS_URL): rate-limit counters shared by every
 * server process, where the default in-memory storage counts per process.
 *
 * While Redis is unreachable (refused, reset, or silent past REDIS_COMMAND_TIMEOUT_MS), this
 * process keeps limiting with the same limits in its own memory: an outage of Redis must
 * neither take logins and refreshes down nor lift the limits on password guessing. The loss
 * and the recovery are logged once each and shown by the `rate_limit_storage_degraded` gauge
 * and /health.
 */
export class RedisThrottlerStorage implements ThrottlerStorage, DescribedRateLimitStorage, OnApplicationShutdown {
  private readonly logger = new Logger(RedisThrottlerStorage.name);
  private degraded = false;
  private retryRedisAt = 0;

  constructor(
    private readonly redis: Redis,
    private readonly keyPrefix = 'rts:',
    private readonly fallback: InMemoryThrottlerStorage = new InMemoryThrottlerStorage(),
    private readonly metrics?: RateLimitMetrics,
  ) {}

  state(): RateLimitStorageState {
    return { storage: this.degraded ? 'memory' : 'redis', degraded: this.degraded };
  }

  async increment(key: string, ttl: number, limit: number, blockDuration: number, throttlerName: string): Promise<ThrottlerStorageRecord> {
    if (this.degraded && Date.now() < this.retryRedisAt) return this.fallback.increment(key, ttl, limit, blockDuration, throttlerName);
    try {
      const record = await this.count(key, ttl, limit, blockDuration, throttlerName);
      if (this.degraded) {
        this.degraded = false;
        this.metrics?.rateLimitStorageDegraded(false);
        this.logger.log('Redis reachable again: rate limits are shared by every process again');
      }
      return record;
    } catch (error) {
      this.retryRedisAt = Date.now() + RETRY_REDIS_EVERY_MS;
      if (!this.degraded) {
        this.degraded = true;
        this.metrics?.rateLimitStorageDegraded(true);
        this.logger.warn(`Redis unreachable (${(error as Error).message}): rate limits are counted in this process's memory until it returns`);
      }
      return this.fallback.increment(key, ttl, limit, blockDuration, throttlerName);
    }
  }

  onApplicationShutdown(): void {
    this.fallback.onApplicationShutdown();
  }

  private async count(key: string, ttl: number, limit: number, blockDuration: number, throttlerName: string): Promise<ThrottlerStorageRecord> {
    const base = `${this.keyPrefix}throttle:${throttlerName}:${key}`;
    const [hits, windowLeft, blocked, blockLeft] = (await this.redis.eval(
      INCREMENT,
      2,
      `${base}:hits`,
      `${base}:block`,
      Math.max(1, Math.ceil(ttl)),
      limit,
      Math.ceil(blockDuration),
    )) as [number, number, number, number];
    return {
      totalHits: hits,
      timeToExpire: Math.ceil(windowLeft / 1000),
      isBlocked: blocked === 1,
      timeToBlockExpire: Math.ceil(blockLeft / 1000),
    };
  }
}
