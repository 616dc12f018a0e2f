import { Controller, HttpCode, Post, Req, UseGuards } from '@nestjs/common';
import { ApiBasicAuth, ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiOAuthErrors } from '../../common/http/api-errors.js';
import { ApiOAuthEndpointErrors, OAuthEndpoints } from './oauth-exception.filter.js';
import { OAuthTokenResponseDto, TokenRequestForm } from './dto/oauth.dto.js';
import type { FastifyRequest } from 'fastify';
import { Consumes, FORM_OR_JSON } from '../../common/http/content-type.guard.js';
import { ClientRateLimitGuard, RateLimit, RateLimitGuard } from '../../rate-limit/rate-limit.guard.js';
import { requestContext } from '../request-context.js';
import { TokenService } from '../token.service.js';
import { authenticatedClientOf, OAuthClientGuard } from './oauth-client.guard.js';
import { RefreshTokenReadAhead, refreshTokenReadOf } from './refresh-token-read-ahead.guard.js';
import { readTokenRequest } from './token-request.js';

/** The OAuth 2.0 token endpoint, refresh_token grant (RFC 6749 §6). */
@ApiTags('oauth')
@ApiBasicAuth('client-basic')
@ApiOAuthEndpointErrors()
@Controller('oauth')
@OAuthEndpoints()
@Consumes(...FORM_OR_JSON)
export class OAuthTokenController {
  constructor(private readonly tokens: TokenService) {}

  @Post('token')
  @ApiOperation({
    summary: 'Refresh tokens (RFC 6749 §6)',
    description:
      'The refresh_token grant: consumes the refresh token and returns its successor with a new access token. Client authentication by client_secret_basic, client_secret_post, or client_id alone for public clients. A narrower `scope` applies to the new access token only.',
  })
  @ApiBody({ type: TokenRequestForm })
  @ApiOkResponse({ type: OAuthTokenResponseDto, description: 'With Cache-Control: no-store and Pragma: no-cache' })
  @ApiOAuthErrors([400, 'invalid_request, invalid_grant (unknown, expired, revoked, reused or another client’s token), unsupported_grant_type or invalid_scope'])
  @HttpCode(200)
  @RateLimit('token')
  @UseGuards(RateLimitGuard, RefreshTokenReadAhead, OAuthClientGuard, ClientRateLimitGuard)
  async token(@Req() request: FastifyRequest) {
    // Read here, after the guards as a pipe would be, rather than as parameters: Nest passes
    // each decorated parameter through the global pipes, a chain of promises per parameter,
    // which cost the refresh about 5 % of the event loop (bench/RESULTS.md, round twelve).
    const grant = readTokenRequest(request.body);
    const issued = await this.tokens.refresh({
      ...grant,
      client: authenticatedClientOf(request),
      readAhead: refreshTokenReadOf(request),
      ...requestContext(request),
    });
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
