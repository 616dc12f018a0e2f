import { Module } from '@nestjs/common';
import { AdminModule } from '../../admin/admin.module.js';
import { ClientsModule } from '../../clients/clients.module.js';
import { UsersModule } from '../../users/users.module.js';
import { AuthModule } from '../auth.module.js';
import { IntrospectionCallerGuard } from './introspection-caller.guard.js';
import { OAuthClientGuard } from './oauth-client.guard.js';
import { OAuthIntrospectionController } from './oauth-introspection.controller.js';
import { OAuthRevocationController } from './oauth-revocation.controller.js';
import { OAuthRevocationService } from './oauth-revocation.service.js';
import { TokenIntrospectionService } from './token-introspection.service.js';

/**
 * RFC 7009 revocation and RFC 7662 introspection. A module of its own because
 * introspection accepts the admin key, and AdminModule already depends on AuthModule.
 */
@Module({
  imports: [AuthModule, AdminModule, ClientsModule, UsersModule],
  controllers: [OAuthRevocationController, OAuthIntrospectionController],
  providers: [OAuthClientGuard, IntrospectionCallerGuard, OAuthRevocationService, TokenIntrospectionService],
})
export class OAuthLifecycleModule {}
