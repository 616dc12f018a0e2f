/**
 * Redis away, through a TCP proxy in front of it (the machine's Redis is never stopped). The
 * first test needs no Redis at all (the proxy refuses); the recovery test needs a real one,
 * named by TEST_REDIS_URL (or REDIS_URL), which .ci/run sets when the local Redis answers.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { metricValue, settlesWithin } from './support/fault-scenario.js';
import { ensureBuilt, sharedSecrets, startServerProcess, type ServerProcess } from './support/server-process.js';
import { TcpProxy } from './support/tcp-proxy.js';

const redisUrl = process.env.TEST_REDIS_URL ?? process.env.REDIS_URL;
const LIMIT = 5;

if (!redisUrl) {
  process.stderr.write('NOTE: redis-fault.e2e-spec.ts: the recovery test did not run (no TEST_REDIS_URL or REDIS_URL)\n');
}

describe('rate limits while Redis is away', () => {
  const prefix = `test:${randomUUID()}:`;
  const target = new URL(redisUrl ?? 'redis://127.0.0.1:6379');
  let proxy: TcpProxy;
  let server: ServerProcess;
  let dataDir: string;

  /** A refresh with a token that does not exist: 401, counted by the per-IP limit. */
  const hit = () => server.api.post('/api/auth/refresh', { json: { refreshToken: 'x'.repeat(43) } });
  const occurrences = (text: string) => server.output().split(text).length - 1;

  beforeAll(async () => {
    ensureBuilt();
    proxy = await TcpProxy.start({ host: target.hostname, port: Number(target.port || 6379) });
    await proxy.set('refuse');
    dataDir = mkdtempSync(join(tmpdir(), 'rts-redis-fault-'));
    server = await startServerProcess({
      ...sharedSecrets(),
      DATA_DIR: dataDir,
      RATE_LIMIT: 'on',
      RATE_LIMIT_REFRESH_PER_IP: String(LIMIT),
      REDIS_URL: `redis://127.0.0.1:${proxy.port}`,
      REDIS_KEY_PREFIX: prefix,
      LOG_LEVEL: 'info',
    });
  }, 120_000);

  afterAll(async () => {
    await server?.stop();
    await proxy?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('limits in memory with the same limits, and says so once in the log, in /health and in /metrics', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < LIMIT + 2; i++) statuses.push((await hit()).status);
    expect(statuses).toEqual([...Array(LIMIT).fill(401), 429, 429]);
    const limited = await hit();
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);

    const health = await server.api.get('/health');
    expect(health.status).toBe(200);
    expect(health.body.info.rateLimit).toEqual({ status: 'degraded', storage: 'memory', degraded: true });
    expect(metricValue((await server.api.get('/metrics')).text, 'rate_limit_storage_degraded')).toBe(1);
    expect(occurrences('Redis unreachable')).toBe(1);
  });

  if (redisUrl) {
    it('shares the limits through Redis again once it answers, and logs the recovery once', async () => {
      const redis = new Redis(redisUrl);
      try {
        await proxy.set('pass');
        // The first request after Redis answers again is counted there; retry until it has been.
        const deadline = Date.now() + 30_000;
        while (occurrences('Redis reachable again') === 0) {
          if (Date.now() > deadline) throw new Error(`no recovery logged:\n${server.output()}`);
          await hit();
          await new Promise((done) => setTimeout(done, 250));
        }
        expect(occurrences('Redis reachable again')).toBe(1);
        const health = await server.api.get('/health');
        expect(health.body.info.rateLimit).toEqual({ status: 'up', storage: 'redis', degraded: false });
        expect(metricValue((await server.api.get('/metrics')).text, 'rate_limit_storage_degraded')).toBe(0);

        // Counted in Redis, where every process sees the same counter.
        const hitsKey = `${prefix}throttle:token-ip:token-ip:127.0.0.1:hits`;
        await redis.del(hitsKey, `${prefix}throttle:token-ip:token-ip:127.0.0.1:block`);
        for (let i = 0; i < 3; i++) expect((await hit()).status).toBe(401);
        expect(Number(await redis.get(hitsKey))).toBe(3);
        expect(occurrences('Redis unreachable')).toBe(1);
      } finally {
        await redis.quit();
      }
    }, 60_000);

    it('does not wait on a Redis that holds the connection open and never answers', async () => {
      await proxy.set('hold');
      // The limits themselves were shown above; here the request must complete rather than hang.
      const response = await settlesWithin(15_000, hit(), 'a rate-limited request while Redis is silent');
      expect([401, 429]).toContain(response.status);
      expect((await server.api.get('/health')).body.info.rateLimit).toEqual({ status: 'degraded', storage: 'memory', degraded: true });
      expect(occurrences('Redis unreachable')).toBe(2);
      expect(server.output()).toContain('Command timed out');
    }, 60_000);
  }
});
