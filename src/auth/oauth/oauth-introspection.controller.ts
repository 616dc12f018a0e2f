import { Body, Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiBasicAuth, ApiBearerAuth, ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiOAuthEndpointErrors, OAuthEndpoints } from './oauth-exception.filter.js';
import { IntrospectionResponseDto, TokenParamsForm } from './dto/oauth.dto.js';
import { Consumes, FORM_OR_JSON } from '../../common/http/content-type.guard.js';
import { ClientRateLimitGuard, RateLimit, RateLimitGuard } from '../../rate-limit/rate-limit.guard.js';
import { IntrospectionCallerGuard, Introspector } from './introspection-caller.guard.js';
import { TokenIntrospectionService, type IntrospectionCaller } from './token-introspection.service.js';
import { TokenParamsPipe, type TokenParams } from './token-params.pipe.js';

/** RFC 7662 token introspection. */
@ApiTags('oauth')
@ApiBasicAuth('client-basic')
@ApiBearerAuth('admin-key')
@ApiOAuthEndpointErrors()
@Controller('oauth')
@OAuthEndpoints()
@Consumes(...FORM_OR_JSON)
export class OAuthIntrospectionController {
  constructor(private readonly introspection: TokenIntrospectionService) {}

  @Post('introspect')
  @ApiOperation({
    summary: 'Introspect a token (RFC 7662)',
    description:
      'Callable by the issuing client or with the admin key. `{"active": false}` for anything not active or not the caller’s; for an active refresh or access token its scope, client, subject, times, issuer, audience and type.',
  })
  @ApiBody({ type: TokenParamsForm })
  @ApiOkResponse({ type: IntrospectionResponseDto })
  @HttpCode(200)
  @RateLimit('token')
  @UseGuards(RateLimitGuard, IntrospectionCallerGuard, ClientRateLimitGuard)
  introspect(@Body(TokenParamsPipe) params: TokenParams, @Introspector() caller: IntrospectionCaller) {
    return this.introspection.introspect(params.token, caller);
  }
}
