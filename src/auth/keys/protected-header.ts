import { JWT_ALGORITHMS, type JwtAlgorithm } from '../../config/auth.config.js';

/** Longer than any kid we issue (a base64url SHA-256 thumbprint is 43 characters). */
export const MAX_KID_LENGTH = 256;
/** Our headers are about 100 characters encoded; anything much longer is not ours. */
const MAX_ENCODED_HEADER_LENGTH = 1024;
const PRINTABLE_ASCII = /^[\x21-\x7e]+$/;
const BASE64URL = /^[A-Za-z0-9_-]+$/;
/** `typ` values our profiles write (RFC 7515 §4.1.9 lets the `application/` prefix be omitted). */
const ACCESS_TOKEN_TYPES = new Set(['jwt', 'at+jwt', 'application/jwt', 'application/at+jwt']);

/** The protected header of one of our access tokens, every member type-checked. */
export interface AccessTokenHeader {
  alg: JwtAlgorithm;
  kid: string;
  typ?: string;
}

/** A kid we could have issued: a short string of printable ASCII. Anything else is never looked up. */
export function isWellFormedKid(kid: unknown): kid is string {
  return typeof kid === 'string' && kid.length > 0 && kid.length <= MAX_KID_LENGTH && PRINTABLE_ASCII.test(kid);
}

/**
 * Reads and type-checks the JOSE header of a compact JWS before any key is looked up, or
 * returns why it is refused. Our tokens carry `alg`, `kid` and `typ` only: any other member
 * (`crit`, `jku`, `jwk`, `x5u`, `b64`…) is refused, since honouring it could only widen what
 * verifies (RFC 7515 §4.1.11: a `crit` we do not understand must be refused anyway).
 */
export function readAccessTokenHeader(token: string): AccessTokenHeader | { refused: string } {
  const dot = token.indexOf('.');
  const encoded = dot < 0 ? '' : token.slice(0, dot);
  if (encoded.length === 0 || encoded.length > MAX_ENCODED_HEADER_LENGTH || !BASE64URL.test(encoded)) {
    return { refused: 'The access token is malformed' };
  }
  let header: unknown;
  try {
    header = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8'));
  } catch {
    return { refused: 'The access token is malformed' };
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header)) return { refused: 'The access token header is not a JSON object' };
  const members = header as Record<string, unknown>;
  for (const name of Object.keys(members)) {
    if (name !== 'alg' && name !== 'kid' && name !== 'typ') return { refused: 'The access token header has a parameter this server does not accept' };
  }
  const { alg, kid, typ } = members;
  if (typeof alg !== 'string' || !(JWT_ALGORITHMS as readonly string[]).includes(alg)) {
    return { refused: 'The access token header names no algorithm of this server' };
  }
  if (!isWellFormedKid(kid)) return { refused: 'The access token header has no valid kid' };
  if (typ !== undefined && (typeof typ !== 'string' || !ACCESS_TOKEN_TYPES.has(typ.toLowerCase()))) {
    return { refused: 'The access token header has an unexpected typ' };
  }
  return { alg: alg as JwtAlgorithm, kid, ...(typ !== undefined ? { typ: typ as string } : {}) };
}
