import { sign, type KeyObject } from 'node:crypto';
import type { JwtAlgorithm } from '../../config/auth.config.js';

/** How node:crypto signs for each JWS algorithm (RFC 7518 §3.3, §3.4; RFC 8037). */
const SIGNING: Record<JwtAlgorithm, { digest: string | null; dsaEncoding?: 'ieee-p1363' }> = {
  RS256: { digest: 'sha256' },
  // JWS wants r || s, not the DER sequence node:crypto gives by default.
  ES256: { digest: 'sha256', dsaEncoding: 'ieee-p1363' },
  EdDSA: { digest: null },
};

/** `base64url(header) + '.'`: the part of every signing input that only changes with the key. */
export function encodeProtectedHeader(header: { alg: JwtAlgorithm; kid: string; typ: string }): string {
  return `${Buffer.from(JSON.stringify(header)).toString('base64url')}.`;
}

/**
 * A compact JWS over `payload`, signed on the libuv thread pool (node:crypto's callback
 * form), so the event loop only serialises and encodes. `encodedHeader` comes from
 * encodeProtectedHeader() with the same algorithm and key.
 */
export function signCompactJws(encodedHeader: string, payload: object, alg: JwtAlgorithm, key: KeyObject): Promise<string> {
  const input = encodedHeader + Buffer.from(JSON.stringify(payload)).toString('base64url');
  const { digest, dsaEncoding } = SIGNING[alg];
  return new Promise((resolve, reject) => {
    sign(digest, Buffer.from(input), dsaEncoding ? { key, dsaEncoding } : key, (error, signature) => {
      if (error) reject(error);
      else resolve(`${input}.${signature.toString('base64url')}`);
    });
  });
}
