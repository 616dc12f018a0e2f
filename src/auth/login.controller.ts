import { Body, Controller, Headers, HttpCode, Post, Req, Res, UseGuards } from '@nestjs/common';
import { ApiBasicAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../common/http/api-errors.js';
import { ApiTokenAnswer } from './dto/token-answers.dto.js';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { RateLimit, RateLimitGuard } from '../rate-limit/rate-limit.guard.js';
import { parseBasicCredentials } from '../common/http/basic-credentials.js';
import { BASIC_CHALLENGE } from './oauth/oauth-client.guard.js';
import { LoginDto } from './dto/login.dto.js';
import { LoginService } from './login.service.js';
import { CookieLoginOriginGuard } from './refresh/cookie-login-origin.guard.js';
import { TokenCookies } from './refresh/token-cookies.js';
import { requestContext } from './request-context.js';
import { NoStoreApi } from '../common/http/all-exceptions.filter.js';

@ApiTags('auth')
@ApiErrors(429, 503)
@Controller('api/auth')
@NoStoreApi()
export class LoginController {
  constructor(
    private readonly logins: LoginService,
    private readonly cookies: TokenCookies,
  ) {}

  @Post('login')
  @ApiOperation({
    summary: 'Log in: the first token pair',
    description:
      'Checks the user’s credentials and starts a refresh-token family for the client. A confidential client also authenticates, by `clientSecret` or client_secret_basic. With `cookies: true` (public clients only) it answers like a cookie-mode refresh. Emits token.issued.',
  })
  @ApiBasicAuth('client-basic')
  @ApiTokenAnswer()
  @ApiErrors(
    [400, 'Malformed request, or cookies requested by a confidential client'],
    [401, 'Wrong credentials (the same answer whether the user exists or not), or a failed client authentication'],
    [403, 'Cookie mode from a cross-site origin (Origin check)'],
    415,
  )
  @HttpCode(200)
  @RateLimit('login')
  @UseGuards(RateLimitGuard, CookieLoginOriginGuard)
  async login(
    @Body() body: LoginDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Headers('authorization') authorization?: string,
  ) {
    const issued = await this.logins.login({ ...body, basic: parseBasicCredentials(authorization, BASIC_CHALLENGE), ...requestContext(request) });
    if (body.cookies) return this.cookies.answer(reply, issued);
    return {
      token: issued.accessToken,
      refreshToken: issued.refreshToken,
      refreshTokenId: issued.familyId,
      expiresIn: issued.expiresIn,
    };
  }
}
