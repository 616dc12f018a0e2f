import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ClientsModule } from '../clients/clients.module.js';
import { UsersModule } from '../users/users.module.js';
import { AccessTokenService } from './access-token.service.js';
import { SigningKey } from './keys/signing-key.entity.js';
import { SigningKeyService } from './keys/signing-key.service.js';
import { WellKnownController } from './keys/well-known.controller.js';
import { LoginController } from './login.controller.js';
import { LoginService } from './login.service.js';
import { OAuthClientGuard } from './oauth/oauth-client.guard.js';
import { OAuthTokenController } from './oauth/oauth-token.controller.js';
import { RefreshTokenFamily } from './refresh-token-family.entity.js';
import { RefreshToken } from './refresh-token.entity.js';
import { RefreshTokenStore } from './refresh-token.store.js';
import { RetentionJob } from './retention.job.js';
import { SessionsService } from './sessions.service.js';
import { TokenRevocationService } from './token-revocation.service.js';
import { TokenService } from './token.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([RefreshTokenFamily, RefreshToken, SigningKey]), ClientsModule, UsersModule],
  controllers: [OAuthTokenController, LoginController, WellKnownController],
  providers: [
    TokenService,
    TokenRevocationService,
    AccessTokenService,
    SigningKeyService,
    RefreshTokenStore,
    LoginService,
    OAuthClientGuard,
    RetentionJob,
    SessionsService,
  ],
  exports: [SessionsService, TokenService, TokenRevocationService, AccessTokenService, SigningKeyService, RefreshTokenStore],
})
export class AuthModule {}
