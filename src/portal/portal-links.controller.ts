import { Controller, HttpCode, Param, ParseUUIDPipe, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors, ApiUuidParams } from '../common/http/api-errors.js';
import { PortalLinkDto } from './dto/portal-answers.dto.js';
import { AdminApiKeyGuard } from '../admin-key/admin-api-key.guard.js';
import { NoStoreApi } from '../common/http/all-exceptions.filter.js';
import { PortalAccessService } from './portal-access.service.js';

@ApiTags('admin')
@ApiBearerAuth('admin-key')
@Controller('api/admin/clients')
@UseGuards(AdminApiKeyGuard)
@NoStoreApi()
export class PortalLinksController {
  constructor(private readonly access: PortalAccessService) {}

  /** A one-time link into the portal for this client's integrators. */
  @Post(':clientId/portal-links')
  @ApiUuidParams('clientId')
  @ApiOperation({ summary: 'Create a one-time portal link', description: 'A link into /portal for this client’s integrators: usable once, for 15 minutes, stored hashed.' })
  @ApiCreatedResponse({ type: PortalLinkDto })
  @ApiErrors([400, 'The client id is not a UUID'], [401, 'Missing or wrong admin key'], [404, 'No such client'], 503)
  @HttpCode(201)
  create(@Param('clientId', ParseUUIDPipe) clientId: string) {
    return this.access.createLink(clientId);
  }
}
