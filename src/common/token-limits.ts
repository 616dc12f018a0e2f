/**
 * How long a presented token may be before it is refused unread (never hashed, parsed or
 * looked up). Each limit is defined here only.
 */

/** Our refresh tokens are 55 characters (a 12-digit time, then 256 bits, base64url); none of ours is longer than this. */
export const MAX_REFRESH_TOKEN_LENGTH = 256;

/** Our access tokens are JWTs of 1–2 KB (more with many roles or scopes); this leaves room to spare. */
export const MAX_ACCESS_TOKEN_LENGTH = 8192;

/** A parameter that may carry either kind of token (revocation, introspection, the refresh endpoints' inputs). */
export const MAX_TOKEN_LENGTH = Math.max(MAX_REFRESH_TOKEN_LENGTH, MAX_ACCESS_TOKEN_LENGTH);
