import { Module, type DynamicModule } from '@nestjs/common';
import { RouterModule } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AdminKeyModule } from '../admin-key/admin-key.module.js';
import { ClientsModule } from '../clients/clients.module.js';
import { InfrastructureModule } from '../infrastructure.module.js';
import { USER_STORE } from '../users/user-store.js';
import { UsersModule } from '../users/users.module.js';
import { AccessTokenService } from './access-token.service.js';
import { AUTH_MODULE_OPTIONS, AUTH_ROUTE_PREFIX, type AuthModuleAsyncOptions } from './auth-module.options.js';
import { TokenEventWriter } from './events/token-event.writer.js';
import { AccessTokenGuard } from './guards/access-token.guard.js';
import { JwsSigner } from './keys/jws-signer.js';
import { SigningKey } from './keys/signing-key.entity.js';
import { SigningKeyRepository } from './keys/signing-key.repository.js';
import { SigningKeyService } from './keys/signing-key.service.js';
import { WellKnownController } from './keys/well-known.controller.js';
import { LoginController } from './login.controller.js';
import { LoginService } from './login.service.js';
import { MeController } from './me.controller.js';
import { IntrospectionCallerGuard } from './oauth/introspection-caller.guard.js';
import { OAuthClientGuard } from './oauth/oauth-client.guard.js';
import { RefreshTokenReadAhead } from './oauth/refresh-token-read-ahead.guard.js';
import { OAuthIntrospectionController } from './oauth/oauth-introspection.controller.js';
import { OAuthRevocationController } from './oauth/oauth-revocation.controller.js';
import { OAuthRevocationService } from './oauth/oauth-revocation.service.js';
import { TokenIntrospectionService } from './oauth/token-introspection.service.js';
import { OAuthTokenController } from './oauth/oauth-token.controller.js';
import { BodyCredentialsGuard } from './refresh/body-credentials.guard.js';
import { CookieCredentialsGuard } from './refresh/cookie-credentials.guard.js';
import { CookieLoginOriginGuard } from './refresh/cookie-login-origin.guard.js';
import { LogoutService } from './refresh/logout.service.js';
import { OriginPolicy } from './refresh/origin-policy.js';
import { PublicRefreshService } from './refresh/public-refresh.service.js';
import { RefreshController } from './refresh/refresh.controller.js';
import { TokenCookies } from './refresh/token-cookies.js';
import { RefreshTokenFamily } from './refresh-token-family.entity.js';
import { RefreshToken } from './refresh-token.entity.js';
import { RefreshTokenRepository } from './refresh-token.repository.js';
import { RetentionJob } from './retention.job.js';
import { SessionsService } from './sessions.service.js';
import { TokenRevocationService } from './token-revocation.service.js';
import { TokenService } from './token.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([RefreshTokenFamily, RefreshToken, SigningKey]), AdminKeyModule, ClientsModule, UsersModule],
  controllers: [
    OAuthTokenController,
    OAuthRevocationController,
    OAuthIntrospectionController,
    LoginController,
    WellKnownController,
    RefreshController,
    MeController,
  ],
  providers: [
    TokenService,
    TokenRevocationService,
    TokenEventWriter,
    AccessTokenService,
    JwsSigner,
    SigningKeyService,
    SigningKeyRepository,
    RefreshTokenRepository,
    LoginService,
    OAuthClientGuard,
    RefreshTokenReadAhead,
    IntrospectionCallerGuard,
    OAuthRevocationService,
    TokenIntrospectionService,
    RetentionJob,
    SessionsService,
    PublicRefreshService,
    LogoutService,
    TokenCookies,
    OriginPolicy,
    CookieCredentialsGuard,
    BodyCredentialsGuard,
    CookieLoginOriginGuard,
    AccessTokenGuard,
  ],
  exports: [
    SessionsService,
    TokenService,
    TokenRevocationService,
    AccessTokenService,
    SigningKeyService,
    RefreshTokenRepository,
    AccessTokenGuard,
    ClientsModule,
  ],
})
export class AuthModule {
  /**
   * For host applications: the whole token service (configuration from the environment,
   * database, outbox, events) in one import, with the host's own user store if it has one.
   * Revocation (RFC 7009) and introspection (RFC 7662) come with it, under the same prefix
   * as every other route of the module. Introspection accepts ADMIN_API_KEY (or the
   * generated key file) besides the client.
   */
  static forRootAsync(options: AuthModuleAsyncOptions): DynamicModule {
    return {
      module: AuthModule,
      imports: [
        InfrastructureModule,
        ...(options.imports ?? []),
        ...(options.routePrefix ? [RouterModule.register([{ path: options.routePrefix, module: AuthModule }])] : []),
      ],
      providers: [
        { provide: AUTH_MODULE_OPTIONS, useFactory: options.useFactory, inject: options.inject ?? [] },
        ...(options.routePrefix ? [{ provide: AUTH_ROUTE_PREFIX, useValue: options.routePrefix }] : []),
        ...(options.userStore ? [{ provide: USER_STORE, useClass: options.userStore }] : []),
      ],
      exports: [AUTH_MODULE_OPTIONS, ...(options.userStore ? [USER_STORE] : [])],
    };
  }
}
