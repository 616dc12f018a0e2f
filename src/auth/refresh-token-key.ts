import { generateOpaqueToken, sha256 } from '../common/crypto/hashing.js';
import { millisecondsHex } from '../common/crypto/time-ordered-id.js';

const TIME_DIGITS = 12;
const TIME_LED = /^[0-9a-f]{12}[A-Za-z0-9_-]{43}$/;

/**
 * A new refresh token: the time it is issued, in Unix milliseconds as 12 lowercase hex
 * digits, then 256 bits from the CSPRNG, base64url (55 characters in all). The time is no
 * secret and adds nothing to the token's strength; it is there for refreshTokenKey().
 */
export function newRefreshToken(now: number): string {
  return millisecondsHex(now) + generateOpaqueToken();
}

/**
 * What a refresh token is stored and looked up by: its time, then the SHA-256 of the whole
 * token. The time leads so that each new key lands at the right edge of the unique index, as
 * a time-ordered id does, instead of on a random page of an index as large as the table: at
 * a million stored tokens a random key dirtied one more page per rotation, written to the WAL
 * at every commit. Only the time is kept in the clear, never any of the random part. A token
 * of the earlier form (the 43 random characters alone) is stored by its SHA-256 alone, and
 * is still found by it.
 */
export function refreshTokenKey(token: string): string {
  return TIME_LED.test(token) ? token.slice(0, TIME_DIGITS) + sha256(token) : sha256(token);
}
