import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { ThrottlerStorage } from '@nestjs/throttler';

type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

interface Counter {
  /** Expiry time of every hit still inside the window, oldest first. */
  hits: number[];
  blockedUntil: number;
}

const SWEEP_INTERVAL_MS = 60_000;

/**
 * The `ThrottlerStorage` contract of @nestjs/throttler, in this process's memory: a sliding
 * window of hits per key, and a block once the limit is passed (for `blockDuration`, or
 * until the oldest hit leaves the window when it is 0).
 */
@Injectable()
export class InMemoryThrottlerStorage implements ThrottlerStorage, OnApplicationShutdown {
  private readonly counters = new Map<string, Counter>();
  private readonly sweep = setInterval(() => this.evict(Date.now()), SWEEP_INTERVAL_MS).unref();

  async increment(key: string, ttl: number, limit: number, blockDuration: number, throttlerName: string): Promise<ThrottlerStorageRecord> {
    const now = Date.now();
    const id = `${throttlerName}\u0000${key}`;
    let counter = this.counters.get(id);
    if (!counter) {
      counter = { hits: [], blockedUntil: 0 };
      this.counters.set(id, counter);
    }
    if (counter.blockedUntil > now) return this.record(counter, now, true);
    // A block that has run out starts a fresh window, as @nestjs/throttler's own storage does.
    if (counter.blockedUntil !== 0) {
      counter.blockedUntil = 0;
      counter.hits = [];
    }
    counter.hits = counter.hits.filter((expiresAt) => expiresAt > now);
    if (counter.hits.length >= limit) {
      if (blockDuration > 0) counter.blockedUntil = now + blockDuration;
      return this.record(counter, now, true);
    }
    counter.hits.push(now + ttl);
    return this.record(counter, now, false);
  }

  onApplicationShutdown(): void {
    clearInterval(this.sweep);
    this.counters.clear();
  }

  private record(counter: Counter, now: number, isBlocked: boolean): ThrottlerStorageRecord {
    const oldest = counter.hits[0] ?? now;
    const until = counter.blockedUntil > now ? counter.blockedUntil : oldest;
    return {
      totalHits: counter.hits.length + (isBlocked ? 1 : 0),
      timeToExpire: Math.max(0, Math.ceil((oldest - now) / 1000)),
      isBlocked,
      timeToBlockExpire: isBlocked ? Math.max(1, Math.ceil((until - now) / 1000)) : 0,
    };
  }

  private evict(now: number): void {
    for (const [id, counter] of this.counters) {
      if (counter.blockedUntil <= now && counter.hits.every((expiresAt) => expiresAt <= now)) this.counters.delete(id);
    }
  }
}
