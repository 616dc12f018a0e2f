import { Body, Controller, Headers, HttpCode, Post, Req, UseGuards } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { RateLimit, RateLimitGuard } from '../rate-limit/rate-limit.guard.js';
import { parseBasicCredentials } from './oauth/basic-credentials.js';
import { LoginDto } from './dto/login.dto.js';
import { LoginService } from './login.service.js';
import { requestContext } from './request-context.js';

@Controller('api/auth')
export class LoginController {
  constructor(private readonly logins: LoginService) {}

  @Post('login')
  @HttpCode(200)
  @RateLimit('login')
  @UseGuards(RateLimitGuard)
  async login(@Body() body: LoginDto, @Req() request: FastifyRequest, @Headers('authorization') authorization?: string) {
    const issued = await this.logins.login({ ...body, basic: parseBasicCredentials(authorization), ...requestContext(request) });
    return {
      token: issued.accessToken,
      refreshToken: issued.refreshToken,
      refreshTokenId: issued.familyId,
      expiresIn: issued.expiresIn,
    };
  }
}
