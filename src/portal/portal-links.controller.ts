import { Controller, HttpCode, Param, ParseUUIDPipe, Post, UseGuards, UseInterceptors } from '@nestjs/common';
import { AdminApiKeyGuard } from '../admin-key/admin-api-key.guard.js';
import { NoStoreInterceptor } from './no-store.interceptor.js';
import { PortalAccessService } from './portal-access.service.js';

@Controller('api/admin/clients')
@UseGuards(AdminApiKeyGuard)
@UseInterceptors(NoStoreInterceptor)
export class PortalLinksController {
  constructor(private readonly access: PortalAccessService) {}

  /** A one-time link into the portal for this client's integrators. */
  @Post(':clientId/portal-links')
  @HttpCode(201)
  create(@Param('clientId', ParseUUIDPipe) clientId: string) {
    return this.access.createLink(clientId);
  }
}
