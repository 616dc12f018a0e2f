import { Global, Module } from '@nestjs/common';
import type { ThrottlerStorage } from '@nestjs/throttler';
import { redisConfig, type RedisConfig } from '../config/redis.config.js';
import { InMemoryThrottlerStorage } from './in-memory-throttler.storage.js';
import { ClientRateLimitGuard, RateLimitGuard } from './rate-limit.guard.js';
import { RateLimiter } from './rate-limiter.service.js';
import { RATE_LIMIT_STORAGE } from './rate-limit.storage.js';
import { RATE_LIMIT_METRICS, type RateLimitMetrics } from './rate-limit-metrics.js';
import { RedisConnection } from './redis-connection.js';
import { RedisThrottlerStorage } from './redis-throttler.storage.js';

/**
 * The rate-limit counters: in Redis when REDIS_URL is set, shared by every process;
 * otherwise in memory, and each process counts alone.
 */
export function createRateLimitStorage(connection: RedisConnection, config: RedisConfig, metrics?: RateLimitMetrics): ThrottlerStorage {
  return connection.client
    ? new RedisThrottlerStorage(connection.client, config.keyPrefix, new InMemoryThrottlerStorage(), metrics)
    : new InMemoryThrottlerStorage();
}

@Global()
@Module({
  providers: [
    RedisConnection,
    {
      provide: RATE_LIMIT_STORAGE,
      inject: [RedisConnection, redisConfig.KEY, { token: RATE_LIMIT_METRICS, optional: true }],
      useFactory: createRateLimitStorage,
    },
    RateLimiter,
    RateLimitGuard,
    ClientRateLimitGuard,
  ],
  exports: [RATE_LIMIT_STORAGE, RateLimiter, RateLimitGuard, ClientRateLimitGuard],
})
export class RateLimitModule {}
