import { createHash, hash, timingSafeEqual } from 'node:crypto';
import { pooledRandomBytes } from './random-pool.js';

/** An opaque credential: 256 bits from the CSPRNG, base64url. */
export function generateOpaqueToken(bytes = 32): string {
  return pooledRandomBytes(bytes).toString('base64url');
}

/**
 * SHA-256, base64url: how refresh tokens and client secrets are stored. The one-shot
 * `hash()` skips the Hash object (and OpenSSL's digest lookup) that `createHash` makes per
 * call: a refresh hashes four or five values.
 */
export function sha256(value: string): string {
  return hash('sha256', value, 'base64url');
}

/** Constant-time comparison of two strings of any length. */
export function constantTimeEqual(a: string, b: string): boolean {
  const left = createHash('sha256').update(a).digest();
  const right = createHash('sha256').update(b).digest();
  return timingSafeEqual(left, right) && a.length === b.length;
}

/**
 * Constant-time comparison of two SHA-256 digests as sha256() writes them (a presented
 * secret's and the stored one). Their length is public, so unlike constantTimeEqual they are
 * compared as they are, without hashing both again.
 */
export function digestsEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'base64url');
  const right = Buffer.from(b, 'base64url');
  return left.length === right.length && timingSafeEqual(left, right);
}
