import { Injectable, Logger } from '@nestjs/common';
import type { ClientRecord } from '../../clients/clients.service.js';
import { MAX_REFRESH_TOKEN_LENGTH } from '../../common/token-limits.js';
import { refreshTokenKey } from '../refresh-token-key.js';
import { RefreshTokenRepository } from '../refresh-token.repository.js';
import { TokenRevocationService } from '../token-revocation.service.js';
import { looksLikeJwt } from './token-lookup.js';

/**
 * RFC 7009 revocation. Revoking a refresh token ends its whole family. The answer is the
 * same whether the token was unknown, already dead, another client's or revoked now, so
 * the endpoint tells a caller nothing about tokens it does not own.
 */
@Injectable()
export class OAuthRevocationService {
  private readonly logger = new Logger(OAuthRevocationService.name);

  constructor(
    private readonly store: RefreshTokenRepository,
    private readonly revocations: TokenRevocationService,
  ) {}

  async revoke(token: string, client: ClientRecord): Promise<void> {
    // Access tokens are self-contained JWTs: they stay valid until they expire (SPEC §3).
    if (looksLikeJwt(token) || token.length > MAX_REFRESH_TOKEN_LENGTH) return;
    const presented = await this.store.findByKey(refreshTokenKey(token));
    if (!presented || presented.family.clientId !== client.clientId) return;
    const revoked = await this.revocations.revoke({ familyId: presented.familyId }, 'client_revoked');
    if (revoked > 0) this.logger.log(`Family ${presented.familyId} revoked by its client ${client.clientId}`);
  }
}
