import { pooledRandomBytes } from './random-pool.js';

const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));

/**
 * A UUIDv7 (RFC 9562): 48 bits of Unix milliseconds, then 74 bits from the CSPRNG. For row
 * keys that are inserted as time goes on (refresh tokens, outbox events, webhook deliveries
 * and their attempts): new keys land at the right edge of the primary-key B-tree, and of
 * every index that leads with them, instead of on a random page of it, so a large table costs
 * a write no more pages than a small one, and a group of inserts shares its pages. The family
 * id, which clients hold and which would tell when they logged in, stays UUIDv4; a
 * delivery's creation time is shown with it anyway. The 74 random bits keep these unguessable.
 */
export function timeOrderedId(now: number = Date.now()): string {
  const random = pooledRandomBytes(10);
  const time = millisecondsHex(now);
  return (
    `${time.slice(0, 8)}-${time.slice(8, 12)}-` +
    `7${HEX[random[0]! & 0x0f]!.slice(1)}${HEX[random[1]!]}-` +
    `${HEX[(random[2]! & 0x3f) | 0x80]}${HEX[random[3]!]}-` +
    `${HEX[random[4]!]}${HEX[random[5]!]}${HEX[random[6]!]}${HEX[random[7]!]}${HEX[random[8]!]}${HEX[random[9]!]}`
  );
}

const MAX_MILLISECONDS = 16 ** 12 - 1;

/**
 * Unix milliseconds as the 12 lowercase hex digits that lead a time-ordered key, and sort as
 * text in time order. A clock may give fractions or times out of range (a host's own clock):
 * the digits stay 12 hex digits.
 */
export function millisecondsHex(now: number): string {
  const ms = Number.isFinite(now) ? Math.min(Math.max(Math.floor(now), 0), MAX_MILLISECONDS) : 0;
  // A refresh takes two or three ids, and under load many refreshes share a millisecond.
  if (ms !== lastMilliseconds) {
    lastMilliseconds = ms;
    lastHex = ms.toString(16).padStart(12, '0');
  }
  return lastHex;
}

let lastMilliseconds = 0;
let lastHex = '000000000000';
