import { Body, Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { Consumes, FORM_OR_JSON } from '../../common/http/content-type.guard.js';
import { ClientRateLimitGuard, RateLimit, RateLimitGuard } from '../../rate-limit/rate-limit.guard.js';
import { IntrospectionCallerGuard, Introspector } from './introspection-caller.guard.js';
import { TokenIntrospectionService, type IntrospectionCaller } from './token-introspection.service.js';
import { TokenParamsPipe, type TokenParams } from './token-params.pipe.js';
import { OAuthEndpoints } from './oauth-exception.filter.js';

/** RFC 7662 token introspection. */
@Controller('oauth')
@OAuthEndpoints()
@Consumes(...FORM_OR_JSON)
export class OAuthIntrospectionController {
  constructor(private readonly introspection: TokenIntrospectionService) {}

  @Post('introspect')
  @HttpCode(200)
  @RateLimit('token')
  @UseGuards(RateLimitGuard, IntrospectionCallerGuard, ClientRateLimitGuard)
  introspect(@Body(TokenParamsPipe) params: TokenParams, @Introspector() caller: IntrospectionCaller) {
    return this.introspection.introspect(params.token, caller);
  }
}
