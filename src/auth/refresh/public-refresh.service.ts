import { Injectable } from '@nestjs/common';
import { AccessTokenService } from '../access-token.service.js';
import { TokenService, type IssuedTokens, type RequestContext } from '../token.service.js';
import type { RefreshCredentials } from './refresh-credentials.js';

/**
 * Refresh for public clients (the cookie-or-body endpoints): no client authentication,
 * and an access token presented beside the refresh token must be ours and of the same
 * user and family. Its expiry is ignored: the family's own lifetime bounds it.
 */
@Injectable()
export class PublicRefreshService {
  constructor(
    private readonly tokens: TokenService,
    private readonly accessTokens: AccessTokenService,
  ) {}

  async refresh(credentials: RefreshCredentials, context: RequestContext): Promise<IssuedTokens> {
    const claims = credentials.accessToken ? await this.accessTokens.verify(credentials.accessToken, { ignoreExpiry: true }) : undefined;
    return this.tokens.refresh({
      refreshToken: credentials.refreshToken,
      client: null,
      boundTo: claims ? { userId: claims.sub, familyId: claims.sid } : undefined,
      ...context,
    });
  }
}
