import { Body, Controller, Delete, Get, Header, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors, ApiUuidParams } from '../common/http/api-errors.js';
import { ClientDto, ClientPageDto, ClientWithNewSecretDto, CreatedClientDto } from './dto/admin-answers.dto.js';
import { ClientsService } from '../clients/clients.service.js';
import { AccountLifecycleService } from './account-lifecycle.service.js';
import { AdminApiKeyGuard } from '../admin-key/admin-api-key.guard.js';
import { CreateClientDto, UpdateClientDto } from './dto/admin.dto.js';
import { PageQueryDto, paginate } from '../common/http/pagination.js';

@ApiTags('admin')
@ApiBearerAuth('admin-key')
@ApiErrors([401, 'Missing or wrong admin key'], 503)
@Controller('api/admin/clients')
@UseGuards(AdminApiKeyGuard)
export class AdminClientsController {
  constructor(
    private readonly clients: ClientsService,
    private readonly lifecycle: AccountLifecycleService,
  ) {}

  /** The secret is shown once: no cache on the way may keep a copy. */
  @Post()
  @ApiOperation({ summary: 'Create an OAuth client', description: 'A confidential client (the default) gets a secret, shown once in this answer and stored as a SHA-256 hash; a public client (`public: true`) has none.' })
  @ApiCreatedResponse({ type: CreatedClientDto })
  @ApiErrors(400, 415)
  @Header('Cache-Control', 'no-store')
  @Header('Pragma', 'no-cache')
  create(@Body() body: CreateClientDto) {
    return this.clients.create(body);
  }

  @Get()
  @ApiOperation({ summary: 'List clients', description: 'Keyset-paginated: pass `nextCursor` as `cursor` for the next page.' })
  @ApiOkResponse({ type: ClientPageDto })
  @ApiErrors(400)
  list(@Query() query: PageQueryDto) {
    return paginate(query.limit, (take) => this.clients.list(take, query.cursor), (client) => client.clientId);
  }

  @Get(':id')
  @ApiUuidParams('id')
  @ApiOperation({ summary: 'Get one client', description: 'The client without its secret, which is never shown again.' })
  @ApiOkResponse({ type: ClientDto })
  @ApiErrors([400, 'The id is not a UUID'], 404)
  get(@Param('id', ParseUUIDPipe) id: string) {
    return this.clients.get(id);
  }

  @Patch(':id')
  @ApiUuidParams('id')
  @ApiOperation({ summary: 'Change a client', description: 'Name, audience and scopes; whether a client is public is fixed at creation.' })
  @ApiOkResponse({ type: ClientDto })
  @ApiErrors(400, 404, 415)
  update(@Param('id', ParseUUIDPipe) id: string, @Body() body: UpdateClientDto) {
    return this.clients.update(id, body);
  }

  @Post(':id/rotate-secret')
  @ApiUuidParams('id')
  @ApiOperation({ summary: 'Rotate a client secret', description: 'A new secret, shown once; the old one stops working at once. Public clients have no secret (400).' })
  @ApiOkResponse({ type: ClientWithNewSecretDto })
  @ApiErrors(400, 404)
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @Header('Pragma', 'no-cache')
  rotateSecret(@Param('id', ParseUUIDPipe) id: string) {
    return this.clients.rotateSecret(id);
  }

  @Delete(':id')
  @ApiUuidParams('id')
  @ApiOperation({ summary: 'Delete a client', description: 'Revokes every refresh-token family of the client.' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiErrors(400, 404)
  @HttpCode(204)
  async delete(@Param('id', ParseUUIDPipe) id: string): Promise<void> {
    await this.lifecycle.deleteClient(id);
  }
}
