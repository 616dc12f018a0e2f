import { Global, Inject, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import type { ThrottlerStorage } from '@nestjs/throttler';
import { Redis } from 'ioredis';
import { redisConfig, type RedisConfig } from '../config/redis.config.js';
import { RedisThrottlerStorage } from './redis-throttler-storage.js';

/**
 * The @nestjs/throttler storage to use, or null for its default:
 * `ThrottlerModule.forRootAsync({ inject: [RATE_LIMIT_STORAGE], useFactory: (storage) => ({ throttlers, ...(storage ? { storage } : {}) }) })`.
 */
export const RATE_LIMIT_STORAGE = Symbol('RATE_LIMIT_STORAGE');

/** The Redis connection when REDIS_URL is set; closed when the application shuts down. */
@Injectable()
export class RedisConnection implements OnApplicationShutdown {
  readonly client: Redis | null;

  constructor(@Inject(redisConfig.KEY) config: RedisConfig) {
    this.client = config.url ? new Redis(config.url, { maxRetriesPerRequest: 1, enableOfflineQueue: false, lazyConnect: false }) : null;
    // Connection errors surface per command (and are logged by the storage); keep them off the process.
    this.client?.on('error', () => undefined);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.client?.quit().catch(() => this.client?.disconnect());
  }
}

/**
 * Rate-limit counters: in Redis when REDIS_URL is set (shared by every process); otherwise
 * null, meaning the throttler's own in-memory storage (each process counts alone).
 * (@nestjs/throttler is only imported as types here: loading it at run time belongs to
 * the module that wires the throttler.)
 */
export function createRateLimitStorage(connection: RedisConnection, config: RedisConfig): ThrottlerStorage | null {
  return connection.client ? new RedisThrottlerStorage(connection.client, config.keyPrefix) : null;
}

@Global()
@Module({
  providers: [
    RedisConnection,
    { provide: RATE_LIMIT_STORAGE, inject: [RedisConnection, redisConfig.KEY], useFactory: createRateLimitStorage },
  ],
  exports: [RATE_LIMIT_STORAGE, RedisConnection],
})
export class RateLimitStorageModule {}
