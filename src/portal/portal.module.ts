import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AdminKeyModule } from '../admin-key/admin-key.module.js';
import { OriginPolicy } from '../auth/refresh/origin-policy.js';
import { ClientsModule } from '../clients/clients.module.js';
import { WebhookModule } from '../webhook/webhook.module.js';
import { PortalAccessRepository } from './portal-access.repository.js';
import { PortalAccessService } from './portal-access.service.js';
import { PortalCookie } from './portal-cookie.js';
import { PortalLink } from './portal-link.entity.js';
import { PortalLinksController } from './portal-links.controller.js';
import { PortalPageController } from './portal-page.controller.js';
import { PortalSession } from './portal-session.entity.js';
import { PortalSessionController } from './portal-session.controller.js';
import { PortalOriginGuard, PortalSessionGuard } from './portal-session.guard.js';
import { PortalWebhooksController } from './portal-webhooks.controller.js';

/**
 * The integrator portal: a page, served by this app, where one client's integrators manage
 * their webhook endpoints and read their deliveries, through the webhook module's services.
 */
@Module({
  imports: [TypeOrmModule.forFeature([PortalLink, PortalSession]), ClientsModule, WebhookModule, AdminKeyModule],
  controllers: [PortalLinksController, PortalSessionController, PortalWebhooksController, PortalPageController],
  providers: [OriginPolicy, PortalAccessRepository, PortalAccessService, PortalCookie, PortalOriginGuard, PortalSessionGuard],
})
export class PortalModule {}
