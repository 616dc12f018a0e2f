import { Module } from '@nestjs/common';
import { AdminApiKeyGuard, AdminKey } from './admin-api-key.guard.js';
import { adminApiKeyProvider } from './admin-api-key.js';

/**
 * Admin-key authentication, for whoever accepts the admin key (admin API, webhooks,
 * introspection, portal links). Its one instance resolves, or generates, the key once.
 */
@Module({
  providers: [adminApiKeyProvider, AdminKey, AdminApiKeyGuard],
  exports: [AdminKey, AdminApiKeyGuard],
})
export class AdminKeyModule {}
