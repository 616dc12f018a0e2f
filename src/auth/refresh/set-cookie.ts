/** The attributes our two cookies use (RFC 6265). */
export interface CookieAttributes {
  maxAge: number;
  path: string;
  domain?: string;
  expires?: Date;
  httpOnly: boolean;
  secure: boolean;
  sameSite: 'Strict' | 'Lax' | 'None';
}

const COOKIE_VALUE = /^[\x21\x23-\x2b\x2d-\x3a\x3c-\x5b\x5d-\x7e]*$/;

/**
 * One Set-Cookie header value. Written here rather than by a cookie plugin so that the
 * module sets the same header on Fastify and on Express. Values are base64url tokens and
 * JWTs; anything else is refused rather than encoded.
 */
export function serializeSetCookie(name: string, value: string, attributes: CookieAttributes): string {
  if (!COOKIE_VALUE.test(value)) throw new Error(`Cookie ${name}: value has characters a cookie cannot carry`);
  const parts = [`${name}=${value}`, `Max-Age=${Math.max(0, Math.floor(attributes.maxAge))}`];
  if (attributes.domain) parts.push(`Domain=${attributes.domain}`);
  parts.push(`Path=${attributes.path}`);
  if (attributes.expires) parts.push(`Expires=${attributes.expires.toUTCString()}`);
  if (attributes.httpOnly) parts.push('HttpOnly');
  if (attributes.secure) parts.push('Secure');
  parts.push(`SameSite=${attributes.sameSite}`);
  return parts.join('; ');
}

/** The Cookie request header as a map (first occurrence wins), for adapters without a cookie parser. */
export function parseCookieHeader(header: unknown): Record<string, string> {
  // No prototype: a cookie named `constructor` or `__proto__` is a cookie like any other.
  const cookies: Record<string, string> = Object.create(null) as Record<string, string>;
  if (typeof header !== 'string') return cookies;
  for (const pair of header.split(';')) {
    const index = pair.indexOf('=');
    if (index <= 0) continue;
    const name = pair.slice(0, index).trim();
    let value = pair.slice(index + 1).trim();
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1);
    if (!(name in cookies)) {
      try {
        cookies[name] = decodeURIComponent(value);
      } catch {
        cookies[name] = value;
      }
    }
  }
  return cookies;
}
