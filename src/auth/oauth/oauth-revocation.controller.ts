import { Body, Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiBasicAuth, ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiOAuthEndpointErrors, OAuthEndpoints } from './oauth-exception.filter.js';
import { RevocationResponseDto, TokenParamsForm } from './dto/oauth.dto.js';
import type { ClientRecord } from '../../clients/clients.service.js';
import { Consumes, FORM_OR_JSON } from '../../common/http/content-type.guard.js';
import { ClientRateLimitGuard, RateLimit, RateLimitGuard } from '../../rate-limit/rate-limit.guard.js';
import { AuthenticatedClient, OAuthClientGuard } from './oauth-client.guard.js';
import { OAuthRevocationService } from './oauth-revocation.service.js';
import { TokenParamsPipe, type TokenParams } from './token-params.pipe.js';

/** RFC 7009 token revocation. */
@ApiTags('oauth')
@ApiBasicAuth('client-basic')
@ApiOAuthEndpointErrors()
@Controller('oauth')
@OAuthEndpoints()
@Consumes(...FORM_OR_JSON)
export class OAuthRevocationController {
  constructor(private readonly revocation: OAuthRevocationService) {}

  @Post('revoke')
  @ApiOperation({
    summary: 'Revoke a token (RFC 7009)',
    description:
      'Revokes the whole family of a refresh token. Answers 200 for unknown tokens and for another client’s token, which it leaves untouched; access tokens already issued stay valid until they expire.',
  })
  @ApiBody({ type: TokenParamsForm })
  @ApiOkResponse({ type: RevocationResponseDto, description: 'An empty object' })
  @HttpCode(200)
  @RateLimit('token')
  @UseGuards(RateLimitGuard, OAuthClientGuard, ClientRateLimitGuard)
  async revoke(@Body(TokenParamsPipe) params: TokenParams, @AuthenticatedClient() client: ClientRecord): Promise<Record<string, never>> {
    await this.revocation.revoke(params.token, client);
    return {};
  }
}
