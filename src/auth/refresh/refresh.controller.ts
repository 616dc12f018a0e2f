import { Body, Controller, HttpCode, Post, Req, Res, UseGuards } from '@nestjs/common';
import { ApiCookieAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../../common/http/api-errors.js';
import { ApiTokenAnswer, LoggedOutDto } from '../dto/token-answers.dto.js';
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
@ApiTags('auth')
@ApiCookieAuth('refresh-cookie')
@ApiErrors(
  [400, 'No token given, or a malformed request'],
  [401, 'Invalid, expired, revoked or reused token (`{"error": "invalid_token"}`, WWW-Authenticate)'],
  [403, 'Cookie mode from a cross-site origin (Origin check)'],
  415,
  429,
  503,
)
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
  @ApiOperation({
    summary: 'Refresh a public client’s tokens (cookie or body)',
    description:
      'Consumes the refresh token and returns its successor. Cookie mode (the refresh_token cookie, which wins when both are present) sets both cookies and keeps the refresh token out of the body; body mode answers `{token, refreshToken, refreshTokenId, expiresIn}`. A presented access token must be ours and of the same user. `/api/jwt/refresh` is the FusionAuth-compatible alias. Confidential clients refresh at /oauth/token.',
  })
  @ApiTokenAnswer()
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
  @ApiOperation({
    summary: 'Log out',
    description:
      'Revokes the presented family (`global: true`: every family of the user) and clears both cookies. A dead or unknown token still gets 200 and cleared cookies; a token consumed past its grace window is handled as reuse.',
  })
  @ApiOkResponse({ type: LoggedOutDto })
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
