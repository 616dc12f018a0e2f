import { randomFillSync } from 'node:crypto';

const POOL_IDS = 256;
const RANDOM_BYTES_PER_ID = 10;
const pool = Buffer.alloc(POOL_IDS * RANDOM_BYTES_PER_ID);
let poolOffset = pool.length;
const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));

/**
 * A UUIDv7 (RFC 9562): 48 bits of Unix milliseconds, then 74 bits from the CSPRNG. For
 * internal row keys that are inserted as time goes on (refresh tokens, outbox events): new
 * keys land at the right edge of the primary-key B-tree instead of on a random page of it,
 * so a large table costs a write no more pages than a small one. Ids a client acts on (the
 * family id) stay UUIDv4; the 74 random bits still make these unguessable.
 */
export function timeOrderedId(now: number = Date.now()): string {
  if (poolOffset === pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const r = poolOffset;
  poolOffset += RANDOM_BYTES_PER_ID;
  const time = now.toString(16).padStart(12, '0').slice(-12);
  return (
    `${time.slice(0, 8)}-${time.slice(8, 12)}-` +
    `7${HEX[pool[r]! & 0x0f]!.slice(1)}${HEX[pool[r + 1]!]}-` +
    `${HEX[(pool[r + 2]! & 0x3f) | 0x80]}${HEX[pool[r + 3]!]}-` +
    `${HEX[pool[r + 4]!]}${HEX[pool[r + 5]!]}${HEX[pool[r + 6]!]}${HEX[pool[r + 7]!]}${HEX[pool[r + 8]!]}${HEX[pool[r + 9]!]}`
  );
}
