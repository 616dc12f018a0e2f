import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { ensureBuilt } from '../../test/support/server-process.js';
import { InMemoryThrottlerStorage } from './in-memory-throttler.storage.js';
import { createRateLimitStorage } from './rate-limit.module.js';
import { RedisConnection } from './redis-connection.js';
import { RedisThrottlerStorage } from './redis-throttler.storage.js';

const redisUrl = process.env.TEST_REDIS_URL ?? process.env.REDIS_URL;
const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '../..');

/** A separate Node process counting hits through the built storage; prints how many were allowed. */
const COUNTER = `
const { Redis } = await import('ioredis');
const { RedisThrottlerStorage } = await import('./dist/src/rate-limit/redis-throttler.storage.js');
const [url, prefix, hits, limit] = process.argv.slice(1);
const redis = new Redis(url);
const storage = new RedisThrottlerStorage(redis, prefix);
const records = await Promise.all(Array.from({ length: Number(hits) }, () => storage.increment('ip:127.0.0.1', 60000, Number(limit), 60000, 'refresh')));
process.stdout.write(JSON.stringify(records.filter((record) => !record.isBlocked).length));
await redis.quit();
`;

describe('createRateLimitStorage', () => {
  it('counts in memory without REDIS_URL, and in Redis with it', async () => {
    const config = { url: undefined, keyPrefix: 'rts:', commandTimeoutMs: 1000 };
    expect(createRateLimitStorage(new RedisConnection(config), config)).toBeInstanceOf(InMemoryThrottlerStorage);
    const withRedis = { url: 'redis://127.0.0.1:1', keyPrefix: 'rts:', commandTimeoutMs: 1000 };
    const connection = new RedisConnection(withRedis);
    expect(createRateLimitStorage(connection, withRedis)).toBeInstanceOf(RedisThrottlerStorage);
    connection.client!.disconnect();
  });
});

describe('RedisThrottlerStorage', () => {
  it('keeps the same limits in memory while Redis is unreachable, and says it is degraded', async () => {
    const unreachable = new Redis('redis://127.0.0.1:1', { maxRetriesPerRequest: 0, enableOfflineQueue: false, lazyConnect: true, retryStrategy: () => null });
    unreachable.on('error', () => undefined);
    const gauge: boolean[] = [];
    const storage = new RedisThrottlerStorage(unreachable, 'rts:', new InMemoryThrottlerStorage(), { rateLimitStorageDegraded: (degraded) => gauge.push(degraded) });
    expect(storage.state()).toEqual({ storage: 'redis', degraded: false });
    const records = [];
    for (let i = 0; i < 4; i++) records.push(await storage.increment('k', 60_000, 3, 60_000, 'default'));
    expect(records.map((record) => record.isBlocked)).toEqual([false, false, false, true]);
    expect(records[3]!.timeToBlockExpire).toBe(60);
    // Another key still has its own allowance.
    expect((await storage.increment('other', 60_000, 3, 60_000, 'default')).isBlocked).toBe(false);
    expect(storage.state()).toEqual({ storage: 'memory', degraded: true });
    // Reported once, not once per request.
    expect(gauge).toEqual([true]);
    storage.onApplicationShutdown();
    unreachable.disconnect();
  });
});

// Runs against a real Redis when TEST_REDIS_URL (or REDIS_URL) names one; .ci/run starts Redis
// and sets it. Without it the block says loudly that it did not run, and fails under CI=true.
if (!redisUrl) {
  describe('RedisThrottlerStorage on a real Redis', () => {
    it('real Redis: NOT RUN (set TEST_REDIS_URL=redis://127.0.0.1:6379)', () => {
      if (process.env.CI === 'true') throw new Error('CI=true but TEST_REDIS_URL is not set: the real-Redis tests must run in CI');
      console.warn('RedisThrottlerStorage on a real Redis: NOT RUN. Set TEST_REDIS_URL=redis://127.0.0.1:6379 to run it.');
    });
  });
} else {
  describe('RedisThrottlerStorage on a real Redis', () => {
    const connections: Redis[] = [];
    const connect = () => {
      const redis = new Redis(redisUrl);
      connections.push(redis);
      return redis;
    };
    beforeAll(async () => {
      // A Redis that does not answer fails every test here with this message, never a silent pass.
      const probe = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 3_000 });
      probe.on('error', () => undefined);
      try {
        await probe.connect();
        expect(await probe.ping()).toBe('PONG');
      } catch (error) {
        throw new Error(`TEST_REDIS_URL=${redisUrl} does not answer (${(error as Error).message}); start Redis or unset TEST_REDIS_URL outside CI`);
      } finally {
        probe.disconnect();
      }
    });
    afterAll(async () => {
      await Promise.all(connections.map((redis) => redis.quit()));
    });

    it('two storages on separate connections share one limit', async () => {
      const prefix = `test:${randomUUID()}:`;
      const a = new RedisThrottlerStorage(connect(), prefix);
      const b = new RedisThrottlerStorage(connect(), prefix);
      const hits = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).increment('ip:1', 60_000, 10, 30_000, 'default')));
      expect(hits.filter((record) => !record.isBlocked)).toHaveLength(10);
      expect(hits.filter((record) => record.isBlocked)).toHaveLength(10);
      const blocked = hits.find((record) => record.isBlocked)!;
      expect(blocked.timeToBlockExpire).toBeGreaterThan(25);
      expect(blocked.timeToBlockExpire).toBeLessThanOrEqual(30);
      // Another key and another throttler name count apart.
      expect((await a.increment('ip:2', 60_000, 10, 30_000, 'default')).totalHits).toBe(1);
      expect((await a.increment('ip:1', 60_000, 10, 30_000, 'login')).totalHits).toBe(1);
    });

    it('forgets hits when the window ends, and lifts a block when it expires', async () => {
      const storage = new RedisThrottlerStorage(connect(), `test:${randomUUID()}:`);
      expect((await storage.increment('k', 300, 1, 300, 'default')).isBlocked).toBe(false);
      expect((await storage.increment('k', 300, 1, 300, 'default')).isBlocked).toBe(true);
      await new Promise((done) => setTimeout(done, 700));
      const after = await storage.increment('k', 300, 1, 300, 'default');
      expect(after).toMatchObject({ isBlocked: false, totalHits: 1 });
    });

    it('two processes hitting one key together are allowed the limit once between them', async () => {
      ensureBuilt();
      const prefix = `test:${randomUUID()}:`;
      const count = () => run(process.execPath, ['--input-type=module', '-e', COUNTER, redisUrl, prefix, '40', '25'], { cwd: ROOT, timeout: 30_000 });
      const [first, second] = await Promise.all([count(), count()]);
      expect(Number(first.stdout) + Number(second.stdout)).toBe(25);
      const redis = connect();
      expect(Number(await redis.get(`${prefix}throttle:refresh:ip:127.0.0.1:hits`))).toBeGreaterThan(25);
      expect(await redis.pttl(`${prefix}throttle:refresh:ip:127.0.0.1:block`)).toBeGreaterThan(0);
    }, 240_000);
  });
}
