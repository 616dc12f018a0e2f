import { timeOrderedId } from './time-ordered-id.js';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('timeOrderedId', () => {
  it('is a UUIDv7 whose first 48 bits are the given Unix milliseconds', () => {
    const now = Date.UTC(2026, 10, 29, 12, 0, 0, 123);
    const id = timeOrderedId(now);
    expect(id).toMatch(UUID_V7);
    expect(parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBe(now);
  });

  it('sorts as text in the order of its milliseconds, so new keys go to the end of an index', () => {
    const ids = [1_700_000_000_000, 1_700_000_000_001, 1_700_000_000_255, 1_700_000_256_000, 1_800_000_000_000].map((ms) => timeOrderedId(ms));
    expect([...ids].sort()).toEqual(ids);
  });

  it('stays a UUIDv7 whatever the clock gives: fractions, before 1970, not a number', () => {
    for (const now of [1_700_000_000_000.5, -1, Number.NaN]) expect(timeOrderedId(now)).toMatch(UUID_V7);
    expect(timeOrderedId(1_700_000_000_000.5).slice(0, 13)).toBe(timeOrderedId(1_700_000_000_000).slice(0, 13));
  });

  it('differs in its random part between ids of the same millisecond, across refills of its entropy pool', () => {
    const ids = Array.from({ length: 5_000 }, () => timeOrderedId(1_700_000_000_000));
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(ids.map((id) => id.slice(15))).size).toBe(ids.length);
  });
});
