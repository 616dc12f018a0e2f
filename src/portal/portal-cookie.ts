import { Inject, Injectable } from '@nestjs/common';
import { cookieConfig, type CookieConfig } from '../config/cookie.config.js';

export const PORTAL_COOKIE = 'portal_session';
const PORTAL_PATH = '/portal';

/** The minimum of a response that both HTTP adapters (Fastify's reply, Express's res) share. */
export interface HeaderWriter {
  header(name: string, value: string): unknown;
}

/**
 * The portal's session cookie: HttpOnly, SameSite=Strict, only sent to /portal, Secure
 * unless COOKIE_SECURE=false. Written as a plain header so it works on either adapter.
 */
@Injectable()
export class PortalCookie {
  constructor(@Inject(cookieConfig.KEY) private readonly config: CookieConfig) {}

  set(response: HeaderWriter, token: string, maxAgeSeconds: number): void {
    response.header('set-cookie', this.serialize(token, `Max-Age=${maxAgeSeconds}`));
  }

  clear(response: HeaderWriter): void {
    response.header('set-cookie', this.serialize('', 'Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT'));
  }

  /** The session token from a Cookie header, if there is exactly a well-formed one. */
  read(cookieHeader: string | string[] | undefined): string | undefined {
    if (typeof cookieHeader !== 'string') return undefined;
    for (const part of cookieHeader.split(';')) {
      const [name, ...rest] = part.trim().split('=');
      if (name === PORTAL_COOKIE) {
        const value = rest.join('=');
        return /^[A-Za-z0-9_-]{43}$/.test(value) ? value : undefined;
      }
    }
    return undefined;
  }

  private serialize(value: string, lifetime: string): string {
    return [`${PORTAL_COOKIE}=${value}`, `Path=${PORTAL_PATH}`, lifetime, 'HttpOnly', 'SameSite=Strict', ...(this.config.secure ? ['Secure'] : [])].join('; ');
  }
}
