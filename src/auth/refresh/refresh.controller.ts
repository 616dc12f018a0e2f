import { Body, Controller, HttpCode, Post, Req, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { RateLimit, RateLimitGuard } from '../../rate-limit/rate-limit.guard.js';
import { requestContext } from '../request-context.js';
import { BodyCredentialsGuard } from './body-credentials.guard.js';
import { CookieCredentialsGuard } from './cookie-credentials.guard.js';
import { LogoutService } from './logout.service.js';
import { PublicRefreshService } from './public-refresh.service.js';
import { PresentedCredentials, type RefreshCredentials } from './refresh-credentials.js';
import { LogoutBodyDto, RefreshBodyDto } from './refresh.dto.js';
import { TokenCookies } from './token-cookies.js';
import { NoStoreApi } from '../../common/http/all-exceptions.filter.js';

/**
 * The cookie-or-body endpoints for public clients. `/api/jwt/refresh` is the
 * FusionAuth-compatible alias of `/api/auth/refresh`. The guard order makes the cookie win;
 * the rate limit counts per IP (the client is only known from the token).
 */
@Controller('api')
@NoStoreApi()
@RateLimit('token')
@UseGuards(RateLimitGuard, CookieCredentialsGuard, BodyCredentialsGuard)
export class RefreshController {
  constructor(
    private readonly refreshes: PublicRefreshService,
    private readonly logouts: LogoutService,
    private readonly cookies: TokenCookies,
  ) {}

  @Post(['auth/refresh', 'jwt/refresh'])
  @HttpCode(200)
  async refresh(
    @PresentedCredentials() credentials: RefreshCredentials,
    @Body() _shape: RefreshBodyDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const issued = await this.refreshes.refresh(credentials, requestContext(request));
    if (credentials.source === 'cookie') return this.cookies.answer(reply, issued);
    return { token: issued.accessToken, refreshToken: issued.refreshToken, refreshTokenId: issued.familyId, expiresIn: issued.expiresIn };
  }

  @Post('auth/logout')
  @HttpCode(200)
  async logout(
    @PresentedCredentials({ optional: true }) credentials: RefreshCredentials | undefined,
    @Body() body: LogoutBodyDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    await this.logouts.logout(credentials, body.global === true, requestContext(request));
    this.cookies.clear(reply);
    return { loggedOut: true };
  }
}
