import { sign, type KeyObject } from 'node:crypto';
import type { JwtAlgorithm } from '../../config/auth.config.js';

/** What node:crypto needs to sign for each JWS algorithm (RFC 7518 §3.3, §3.4; RFC 8037). */
const SIGNING: Record<JwtAlgorithm, SigningParameters> = {
  RS256: { digest: 'sha256' },
  // JWS wants r || s, not the DER sequence node:crypto gives by default.
  ES256: { digest: 'sha256', dsaEncoding: 'ieee-p1363' },
  EdDSA: { digest: null },
};

export interface SigningParameters {
  digest: string | null;
  dsaEncoding?: 'ieee-p1363';
}

export function signingParameters(alg: JwtAlgorithm): SigningParameters {
  return SIGNING[alg];
}

/** A private key and the algorithm it signs with. */
export interface JwsSigningKey {
  alg: JwtAlgorithm;
  keyObject: KeyObject;
}

/** `base64url(header) + '.'`: the part of every signing input that only changes with the key. */
export function encodeProtectedHeader(header: { alg: JwtAlgorithm; kid: string; typ: string }): string {
  return `${Buffer.from(JSON.stringify(header)).toString('base64url')}.`;
}

/** `encodedHeader` comes from encodeProtectedHeader() with the same algorithm and key. */
export function jwsSigningInput(encodedHeader: string, payload: object): string {
  return encodedHeader + Buffer.from(JSON.stringify(payload)).toString('base64url');
}

/**
 * The compact JWS over `input`, signed without the signing threads. An RSA-2048 signature
 * (~0.25–1 ms of CPU) goes to the libuv thread pool so the event loop keeps serving; an ES256
 * or Ed25519 signature (~30–50 µs) costs less than one libuv job round trip, so it is made
 * on the spot.
 */
export function signOnEventLoop(input: string, { alg, keyObject }: JwsSigningKey): Promise<string> {
  const { digest, dsaEncoding } = SIGNING[alg];
  const signingKey = dsaEncoding ? { key: keyObject, dsaEncoding } : keyObject;
  if (alg !== 'RS256') {
    try {
      return Promise.resolve(`${input}.${sign(digest, Buffer.from(input), signingKey).toString('base64url')}`);
    } catch (error) {
      return Promise.reject(error as Error);
    }
  }
  return new Promise((resolve, reject) => {
    sign(digest, Buffer.from(input), signingKey, (error, signature) => {
      if (error) reject(error);
      else resolve(`${input}.${signature.toString('base64url')}`);
    });
  });
}

/** A compact JWS over `payload`, signed as signOnEventLoop() does. */
export function signCompactJws(encodedHeader: string, payload: object, alg: JwtAlgorithm, key: KeyObject): Promise<string> {
  return signOnEventLoop(jwsSigningInput(encodedHeader, payload), { alg, keyObject: key });
}
