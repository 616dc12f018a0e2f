import { pooledRandomBytes } from './random-pool.js';

describe('pooledRandomBytes', () => {
  it('never hands out the same bytes twice, across many refills of the pool', () => {
    // 32-byte draws: 128 per 4 KiB pool, so 2,000 of them refill it 15 times.
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) seen.add(pooledRandomBytes(32).toString('hex'));
    expect(seen.size).toBe(2000);
  });

  it('draws of odd sizes that straddle the end of the pool are still fresh and of the asked size', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 3000; i++) {
      const size = 1 + (i % 37) + 12;
      const bytes = pooledRandomBytes(size);
      expect(bytes).toHaveLength(size);
      seen.add(bytes.toString('hex'));
    }
    expect(seen.size).toBe(3000);
  });

  it('gives each caller a copy of its own: changing one result changes no other', () => {
    const first = pooledRandomBytes(16);
    const kept = Buffer.from(first);
    const second = pooledRandomBytes(16);
    second.fill(0);
    expect(first.equals(kept)).toBe(true);
  });

  it('refuses sizes outside 1..256', () => {
    for (const size of [0, -1, 257, 1.5, Number.NaN]) expect(() => pooledRandomBytes(size)).toThrow(RangeError);
  });
});
