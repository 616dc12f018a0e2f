import { Body, Controller, Headers, HttpCode, Post, Req, Res, UseGuards } from '@nestjs/common';
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

@Controller('api/auth')
@NoStoreApi()
export class LoginController {
  constructor(
    private readonly logins: LoginService,
    private readonly cookies: TokenCookies,
  ) {}

  @Post('login')
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
