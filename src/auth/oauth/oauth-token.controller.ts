import { Body, Controller, HttpCode, Post, Req, UseGuards } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { ClientRecord } from '../../clients/clients.service.js';
import { Consumes, FORM_OR_JSON } from '../../common/http/content-type.guard.js';
import { ClientRateLimitGuard, RateLimit, RateLimitGuard } from '../../rate-limit/rate-limit.guard.js';
import { requestContext } from '../request-context.js';
import { TokenService } from '../token.service.js';
import { AuthenticatedClient, OAuthClientGuard } from './oauth-client.guard.js';
import { TokenRequestPipe, type RefreshTokenGrant } from './token-request.pipe.js';
import { OAuthEndpoints } from './oauth-exception.filter.js';

/** The OAuth 2.0 token endpoint, refresh_token grant (RFC 6749 §6). */
@Controller('oauth')
@OAuthEndpoints()
@Consumes(...FORM_OR_JSON)
export class OAuthTokenController {
  constructor(private readonly tokens: TokenService) {}

  @Post('token')
  @HttpCode(200)
  @RateLimit('token')
  @UseGuards(RateLimitGuard, OAuthClientGuard, ClientRateLimitGuard)
  async token(
    @Body(TokenRequestPipe) grant: RefreshTokenGrant,
    @AuthenticatedClient() client: ClientRecord,
    @Req() request: FastifyRequest,
  ) {
    const issued = await this.tokens.refresh({ ...grant, client, ...requestContext(request) });
    return {
      access_token: issued.accessToken,
      refresh_token: issued.refreshToken,
      token_type: 'bearer',
      expires_in: issued.expiresIn,
      expires: issued.expiresIn,
      scope: issued.scope.join(' '),
    };
  }
}
