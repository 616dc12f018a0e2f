import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '../../common/clock.js';
import { cookieConfig, type CookieConfig } from '../../config/cookie.config.js';
import type { IssuedTokens } from '../token.service.js';
import { ACCESS_COOKIE, REFRESH_COOKIE } from './refresh-credentials.js';
import { serializeSetCookie } from './set-cookie.js';

/** `header()` means the same on a Fastify reply and an Express response. */
export interface CookieReply {
  header(name: string, value: string | string[]): unknown;
}

/** The cookie-mode answer: what a page script may read. */
export interface CookieModeBody {
  token: string;
  refreshTokenId: string;
  expiresIn: number;
  /** Only with COOKIE_BODY_TOKENS=true. */
  refreshToken?: string;
}

/** Writes and clears the `access_token` and `refresh_token` cookies, as COOKIE_* configure them. */
@Injectable()
export class TokenCookies {
  constructor(
    @Inject(cookieConfig.KEY) private readonly config: CookieConfig,
    private readonly clock: Clock,
  ) {}

  /** Sets both cookies and returns the cookie-mode body. */
  answer(reply: CookieReply, issued: IssuedTokens): CookieModeBody {
    const refreshMaxAge = Math.max(0, Math.floor((issued.refreshTokenExpiresAt - this.clock.now()) / 1000));
    reply.header('set-cookie', [
      serializeSetCookie(ACCESS_COOKIE, issued.accessToken, { ...this.attributes('/'), maxAge: issued.expiresIn }),
      serializeSetCookie(REFRESH_COOKIE, issued.refreshToken, { ...this.attributes(this.config.refreshPath), maxAge: refreshMaxAge }),
    ]);
    return {
      token: issued.accessToken,
      refreshTokenId: issued.familyId,
      expiresIn: issued.expiresIn,
      ...(this.config.bodyTokens ? { refreshToken: issued.refreshToken } : {}),
    };
  }

  /** Expires both cookies with the same Path and Domain they were set with. */
  clear(reply: CookieReply): void {
    reply.header(
      'set-cookie',
      ([[ACCESS_COOKIE, '/'], [REFRESH_COOKIE, this.config.refreshPath]] as const).map(([name, path]) =>
        serializeSetCookie(name, '', { ...this.attributes(path), maxAge: 0, expires: new Date(0) }),
      ),
    );
  }

  private attributes(path: string) {
    return {
      path,
      httpOnly: true,
      secure: this.config.secure,
      sameSite: this.config.sameSite,
      ...(this.config.domain ? { domain: this.config.domain } : {}),
    };
  }
}
