import { Body, Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import type { ClientRecord } from '../../clients/clients.service.js';
import { Consumes, FORM_OR_JSON } from '../../common/http/content-type.guard.js';
import { ClientRateLimitGuard, RateLimit, RateLimitGuard } from '../../rate-limit/rate-limit.guard.js';
import { AuthenticatedClient, OAuthClientGuard } from './oauth-client.guard.js';
import { OAuthRevocationService } from './oauth-revocation.service.js';
import { TokenParamsPipe, type TokenParams } from './token-params.pipe.js';
import { OAuthEndpoints } from './oauth-exception.filter.js';

/** RFC 7009 token revocation. */
@Controller('oauth')
@OAuthEndpoints()
@Consumes(...FORM_OR_JSON)
export class OAuthRevocationController {
  constructor(private readonly revocation: OAuthRevocationService) {}

  @Post('revoke')
  @HttpCode(200)
  @RateLimit('token')
  @UseGuards(RateLimitGuard, OAuthClientGuard, ClientRateLimitGuard)
  async revoke(@Body(TokenParamsPipe) params: TokenParams, @AuthenticatedClient() client: ClientRecord): Promise<Record<string, never>> {
    await this.revocation.revoke(params.token, client);
    return {};
  }
}
