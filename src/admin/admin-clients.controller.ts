import { Body, Controller, Delete, Get, Header, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query, UseGuards } from '@nestjs/common';
import { ClientsService } from '../clients/clients.service.js';
import { AccountLifecycleService } from './account-lifecycle.service.js';
import { AdminApiKeyGuard } from '../admin-key/admin-api-key.guard.js';
import { CreateClientDto, UpdateClientDto } from './dto/admin.dto.js';
import { PageQueryDto, paginate } from '../common/http/pagination.js';

@Controller('api/admin/clients')
@UseGuards(AdminApiKeyGuard)
export class AdminClientsController {
  constructor(
    private readonly clients: ClientsService,
    private readonly lifecycle: AccountLifecycleService,
  ) {}

  /** The secret is shown once: no cache on the way may keep a copy. */
  @Post()
  @Header('Cache-Control', 'no-store')
  @Header('Pragma', 'no-cache')
  create(@Body() body: CreateClientDto) {
    return this.clients.create(body);
  }

  @Get()
  list(@Query() query: PageQueryDto) {
    return paginate(query.limit, (take) => this.clients.list(take, query.cursor), (client) => client.clientId);
  }

  @Get(':id')
  get(@Param('id', ParseUUIDPipe) id: string) {
    return this.clients.get(id);
  }

  @Patch(':id')
  update(@Param('id', ParseUUIDPipe) id: string, @Body() body: UpdateClientDto) {
    return this.clients.update(id, body);
  }

  @Post(':id/rotate-secret')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @Header('Pragma', 'no-cache')
  rotateSecret(@Param('id', ParseUUIDPipe) id: string) {
    return this.clients.rotateSecret(id);
  }

  @Delete(':id')
  @HttpCode(204)
  async delete(@Param('id', ParseUUIDPipe) id: string): Promise<void> {
    await this.lifecycle.deleteClient(id);
  }
}
