import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { ClientsModule } from '../clients/clients.module.js';
import { UsersModule } from '../users/users.module.js';
import { AccountLifecycleService } from './account-lifecycle.service.js';
import { AdminKeyModule } from '../admin-key/admin-key.module.js';
import { AdminClientsController } from './admin-clients.controller.js';
import { AdminKeysController } from './admin-keys.controller.js';
import { AdminUsersController } from './admin-users.controller.js';

@Module({
  imports: [AuthModule, AdminKeyModule, ClientsModule, UsersModule],
  controllers: [AdminClientsController, AdminUsersController, AdminKeysController],
  providers: [AccountLifecycleService],
})
export class AdminModule {}
