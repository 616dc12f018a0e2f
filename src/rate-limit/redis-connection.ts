import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { createRequire } from 'node:module';
import { redisConfig, type RedisConfig } from '../config/redis.config.js';

/** Loaded only when REDIS_URL is set: a server without Redis does not hold the client's ~1.6 MB of heap. */
function loadRedis(): typeof Redis {
  return (createRequire(import.meta.url)('ioredis') as typeof import('ioredis')).Redis;
}

/** The Redis connection when REDIS_URL is set; closed when the application shuts down. */
@Injectable()
export class RedisConnection implements OnApplicationShutdown {
  readonly client: Redis | null;

  constructor(@Inject(redisConfig.KEY) config: RedisConfig) {
    // No offline queue and a command timeout: while Redis is away, a command fails at once (or
    // after REDIS_COMMAND_TIMEOUT_MS when the connection is silent) and the storage counts in memory.
    this.client = config.url
      ? new (loadRedis())(config.url, { maxRetriesPerRequest: 1, enableOfflineQueue: false, lazyConnect: false, commandTimeout: config.commandTimeoutMs, connectTimeout: 5_000 })
      : null;
    // Connection errors surface per command (and are logged by the storage); keep them off the process.
    this.client?.on('error', () => undefined);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.client?.quit().catch(() => this.client?.disconnect());
  }
}
