import { Global, Module } from '@nestjs/common';
import { InMemoryThrottlerStorage } from './in-memory-throttler.storage.js';
import { RateLimitGuard } from './rate-limit.guard.js';
import { RateLimiter } from './rate-limiter.service.js';
import { RATE_LIMIT_STORAGE } from './rate-limit.storage.js';

/**
 * Rate limiting. The counters live behind the `RATE_LIMIT_STORAGE` token: in memory per
 * process here; bind a shared storage (Redis) to the same token to count across processes.
 */
@Global()
@Module({
  providers: [{ provide: RATE_LIMIT_STORAGE, useClass: InMemoryThrottlerStorage }, RateLimiter, RateLimitGuard],
  exports: [RATE_LIMIT_STORAGE, RateLimiter, RateLimitGuard],
})
export class RateLimitModule {}
