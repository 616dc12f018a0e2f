import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query, UseGuards } from '@nestjs/common';
import { SessionsService } from '../auth/sessions.service.js';
import { UsersService } from '../users/users.service.js';
import { AccountLifecycleService } from './account-lifecycle.service.js';
import { AdminApiKeyGuard } from '../admin-key/admin-api-key.guard.js';
import { CreateUserDto, UpdateUserDto } from './dto/admin.dto.js';
import { PageQueryDto, paginate } from '../common/http/pagination.js';

@Controller('api/admin/users')
@UseGuards(AdminApiKeyGuard)
export class AdminUsersController {
  constructor(
    private readonly users: UsersService,
    private readonly lifecycle: AccountLifecycleService,
    private readonly sessions: SessionsService,
  ) {}

  @Post()
  create(@Body() body: CreateUserDto) {
    return this.users.create(body);
  }

  @Get()
  list(@Query() query: PageQueryDto) {
    return paginate(query.limit, (take) => this.users.list(take, query.cursor), (user) => user.id);
  }

  @Get(':id')
  get(@Param('id', ParseUUIDPipe) id: string) {
    return this.users.get(id);
  }

  @Patch(':id')
  update(@Param('id', ParseUUIDPipe) id: string, @Body() body: UpdateUserDto) {
    return this.lifecycle.updateUser(id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  async delete(@Param('id', ParseUUIDPipe) id: string): Promise<void> {
    await this.lifecycle.deleteUser(id);
  }

  @Get(':id/sessions')
  async listSessions(@Param('id', ParseUUIDPipe) id: string) {
    await this.users.get(id);
    return { items: await this.sessions.list(id) };
  }

  @Delete(':id/sessions/:familyId')
  @HttpCode(204)
  async revokeSession(@Param('id', ParseUUIDPipe) id: string, @Param('familyId', ParseUUIDPipe) familyId: string): Promise<void> {
    await this.sessions.revokeOne(id, familyId);
  }

  @Delete(':id/sessions')
  @HttpCode(204)
  async revokeAllSessions(@Param('id', ParseUUIDPipe) id: string): Promise<void> {
    await this.users.get(id);
    await this.sessions.revokeAll(id);
  }
}
