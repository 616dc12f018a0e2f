import { Inject, Injectable } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Clock } from '../../common/clock.js';
import { cookieConfig, type CookieConfig } from '../../config/cookie.config.js';
import type { IssuedTokens } from '../token.service.js';
import { ACCESS_COOKIE, REFRESH_COOKIE } from './refresh-credentials.js';

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
  answer(reply: FastifyReply, issued: IssuedTokens): CookieModeBody {
    const refreshMaxAge = Math.max(0, Math.floor((issued.refreshTokenExpiresAt - this.clock.now()) / 1000));
    reply.setCookie(ACCESS_COOKIE, issued.accessToken, { ...this.attributes('/'), maxAge: issued.expiresIn });
    reply.setCookie(REFRESH_COOKIE, issued.refreshToken, { ...this.attributes(this.config.refreshPath), maxAge: refreshMaxAge });
    return {
      token: issued.accessToken,
      refreshTokenId: issued.familyId,
      expiresIn: issued.expiresIn,
      ...(this.config.bodyTokens ? { refreshToken: issued.refreshToken } : {}),
    };
  }

  /** Expires both cookies with the same Path and Domain they were set with. */
  clear(reply: FastifyReply): void {
    for (const [name, path] of [[ACCESS_COOKIE, '/'], [REFRESH_COOKIE, this.config.refreshPath]] as const) {
      reply.setCookie(name, '', { ...this.attributes(path), maxAge: 0, expires: new Date(0) });
    }
  }

  private attributes(path: string) {
    return {
      path,
      httpOnly: true,
      secure: this.config.secure,
      sameSite: this.config.sameSite.toLowerCase() as 'strict' | 'lax' | 'none',
      ...(this.config.domain ? { domain: this.config.domain } : {}),
    };
  }
}
