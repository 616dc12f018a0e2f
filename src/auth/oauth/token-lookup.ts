/** A JWT has three dot-separated parts; our refresh tokens are base64url without dots. */
export function looksLikeJwt(token: string): boolean {
  return token.split('.').length === 3;
}
