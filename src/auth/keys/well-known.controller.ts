import { Controller, Get, Header, Inject, Optional } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../../common/http/api-errors.js';
import { AuthorizationServerMetadataDto, JwksDto } from './well-known.dto.js';
import { AUTH_ROUTE_PREFIX } from '../auth-module.options.js';
import { appConfig, type AppConfig } from '../../config/app.config.js';
import { SigningKeyService } from './signing-key.service.js';

/** Discovery documents: the JWKS and RFC 8414 metadata. */
@ApiTags('discovery')
@ApiErrors()
@Controller('.well-known')
export class WellKnownController {
  constructor(
    private readonly keys: SigningKeyService,
    @Inject(appConfig.KEY) private readonly app: AppConfig,
    @Optional() @Inject(AUTH_ROUTE_PREFIX) private readonly routePrefix?: string,
  ) {}

  @Get('jwks.json')
  @ApiOperation({ summary: 'The JSON Web Key Set', description: 'Every public key whose tokens may still be valid; a revoked key is gone at once. Cache-Control: public, max-age=300.' })
  @ApiOkResponse({ type: JwksDto })
  @ApiErrors(503)
  @Header('Cache-Control', 'public, max-age=300')
  async jwks() {
    return { keys: await this.keys.publishedKeys() };
  }

  @Get('oauth-authorization-server')
  @ApiOperation({ summary: 'Authorization server metadata (RFC 8414)', description: 'Issuer, token, revocation, introspection and JWKS endpoints, grant types and client authentication methods. There is no authorization endpoint and no OpenID configuration.' })
  @ApiOkResponse({ type: AuthorizationServerMetadataDto })
  @Header('Cache-Control', 'public, max-age=300')
  metadata() {
    const issuer = this.app.issuer;
    // In a host app the module's routes sit under its prefix.
    const base = this.routePrefix ? `${issuer}/${this.routePrefix.replace(/^\/+|\/+$/g, '')}` : issuer;
    return {
      issuer,
      token_endpoint: `${base}/oauth/token`,
      revocation_endpoint: `${base}/oauth/revoke`,
      introspection_endpoint: `${base}/oauth/introspect`,
      jwks_uri: `${base}/.well-known/jwks.json`,
      grant_types_supported: ['refresh_token'],
      response_types_supported: [],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
      revocation_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
      introspection_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
      scopes_supported: ['openid', 'profile', 'offline_access'],
    };
  }
}
