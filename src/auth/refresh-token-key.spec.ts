import { sha256 } from '../common/crypto/hashing.js';
import { newRefreshToken, refreshTokenKey } from './refresh-token-key.js';

const NOW = Date.UTC(2026, 10, 30, 17, 30, 0, 123);

describe('refresh token keys', () => {
  it('issues 55 base64url characters: the issue time as 12 hex digits, then 256 random bits', () => {
    const token = newRefreshToken(NOW);
    expect(token).toMatch(/^[0-9a-f]{12}[A-Za-z0-9_-]{43}$/);
    expect(parseInt(token.slice(0, 12), 16)).toBe(NOW);
    expect(Buffer.from(token.slice(12), 'base64url')).toHaveLength(32);
    const randomParts = new Set(Array.from({ length: 1_000 }, () => newRefreshToken(NOW).slice(12)));
    expect(randomParts.size).toBe(1_000);
  });

  it('keeps the time to 12 hex digits whatever the clock gives: fractions, before 1970, past 10889, not a number', () => {
    for (const [now, digits] of [
      [NOW + 0.75, NOW.toString(16).padStart(12, '0')],
      [-5, '000000000000'],
      [16 ** 12 + 5, 'ffffffffffff'],
      [Number.NaN, '000000000000'],
    ] as const) {
      const token = newRefreshToken(now);
      expect(token).toMatch(/^[0-9a-f]{12}[A-Za-z0-9_-]{43}$/);
      expect(token.slice(0, 12)).toBe(digits);
    }
  });

  it("keys a token by its time and the SHA-256 of the whole token, with none of the token's random part", () => {
    const token = newRefreshToken(NOW);
    const key = refreshTokenKey(token);
    expect(key).toBe(token.slice(0, 12) + sha256(token));
    for (let at = 12; at + 8 <= token.length; at += 8) expect(key.includes(token.slice(at, at + 8))).toBe(false);
  });

  it('sorts the keys of later tokens after earlier ones, so new keys go to the end of the index', () => {
    const keys = [NOW, NOW + 1, NOW + 255, NOW + 256_000, NOW + 86_400_000 * 400].map((ms) => refreshTokenKey(newRefreshToken(ms)));
    expect([...keys].sort()).toEqual(keys);
  });

  it('keys a token of the earlier form, and anything else presented, by its SHA-256 alone', () => {
    const earlier = Buffer.alloc(32, 1).toString('base64url');
    expect(refreshTokenKey(earlier)).toBe(sha256(earlier));
    for (const other of ['', 'x', `${'0'.repeat(12)}${'a'.repeat(42)}`, `${'G'.repeat(12)}${'a'.repeat(43)}`, `${newRefreshToken(NOW)}a`]) {
      expect(refreshTokenKey(other)).toBe(sha256(other));
    }
  });
});
