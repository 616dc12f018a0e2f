import { jest } from '@jest/globals';
import { InMemoryThrottlerStorage } from './in-memory-throttler.storage.js';

describe('InMemoryThrottlerStorage', () => {
  let storage: InMemoryThrottlerStorage;
  let now: number;

  beforeEach(() => {
    now = 1_000_000;
    jest.spyOn(Date, 'now').mockImplementation(() => now);
    storage = new InMemoryThrottlerStorage();
  });
  afterEach(() => {
    storage.onApplicationShutdown();
    jest.restoreAllMocks();
  });

  it('allows `limit` hits per sliding window, then blocks until the oldest hit leaves it', async () => {
    for (let i = 0; i < 3; i++) {
      expect((await storage.increment('k', 10_000, 3, 0, 'n')).isBlocked).toBe(false);
      now += 1000;
    }
    const blocked = await storage.increment('k', 10_000, 3, 0, 'n');
    expect(blocked).toMatchObject({ isBlocked: true, timeToBlockExpire: 7 });
    now = 1_000_000 + 10_001;
    expect((await storage.increment('k', 10_000, 3, 0, 'n')).isBlocked).toBe(false);
    expect((await storage.increment('k', 10_000, 3, 0, 'n')).isBlocked).toBe(true);
  });

  it('holds a block for blockDuration, then starts a fresh window', async () => {
    await storage.increment('k', 60_000, 1, 5000, 'n');
    expect(await storage.increment('k', 60_000, 1, 5000, 'n')).toMatchObject({ isBlocked: true, timeToBlockExpire: 5 });
    now += 4000;
    expect(await storage.increment('k', 60_000, 1, 5000, 'n')).toMatchObject({ isBlocked: true, timeToBlockExpire: 1 });
    now += 1001;
    expect((await storage.increment('k', 60_000, 1, 5000, 'n')).isBlocked).toBe(false);
  });

  it('counts keys and throttler names apart', async () => {
    await storage.increment('a', 60_000, 1, 0, 'n');
    expect((await storage.increment('b', 60_000, 1, 0, 'n')).isBlocked).toBe(false);
    expect((await storage.increment('a', 60_000, 1, 0, 'm')).isBlocked).toBe(false);
    expect((await storage.increment('a', 60_000, 1, 0, 'n')).isBlocked).toBe(true);
  });
});
