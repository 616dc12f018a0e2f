import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors, ApiUuidParams } from '../common/http/api-errors.js';
import { SessionListDto, UserDto, UserPageDto } from './dto/admin-answers.dto.js';
import { SessionsService } from '../auth/sessions.service.js';
import { UsersService } from '../users/users.service.js';
import { AccountLifecycleService } from './account-lifecycle.service.js';
import { AdminApiKeyGuard } from '../admin-key/admin-api-key.guard.js';
import { CreateUserDto, UpdateUserDto } from './dto/admin.dto.js';
import { PageQueryDto, paginate } from '../common/http/pagination.js';

@ApiTags('admin')
@ApiBearerAuth('admin-key')
@ApiErrors([401, 'Missing or wrong admin key'], 503)
@Controller('api/admin/users')
@UseGuards(AdminApiKeyGuard)
export class AdminUsersController {
  constructor(
    private readonly users: UsersService,
    private readonly lifecycle: AccountLifecycleService,
    private readonly sessions: SessionsService,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Create a user', description: 'The password is stored with a memory-hard KDF and never returned.' })
  @ApiCreatedResponse({ type: UserDto })
  @ApiErrors(400, [409, 'The loginId is taken'], 415)
  create(@Body() body: CreateUserDto) {
    return this.users.create(body);
  }

  @Get()
  @ApiOperation({ summary: 'List users', description: 'Keyset-paginated: pass `nextCursor` as `cursor` for the next page.' })
  @ApiOkResponse({ type: UserPageDto })
  @ApiErrors(400)
  list(@Query() query: PageQueryDto) {
    return paginate(query.limit, (take) => this.users.list(take, query.cursor), (user) => user.id);
  }

  @Get(':id')
  @ApiUuidParams('id')
  @ApiOperation({ summary: 'Get one user', description: 'Its login id, roles and whether it is disabled.' })
  @ApiOkResponse({ type: UserDto })
  @ApiErrors([400, 'The id is not a UUID'], 404)
  get(@Param('id', ParseUUIDPipe) id: string) {
    return this.users.get(id);
  }

  @Patch(':id')
  @ApiUuidParams('id')
  @ApiOperation({ summary: 'Change a user', description: 'Roles reach the next access token; disabling the user or changing its password revokes all of its sessions.' })
  @ApiOkResponse({ type: UserDto })
  @ApiErrors(400, 404, 415)
  update(@Param('id', ParseUUIDPipe) id: string, @Body() body: UpdateUserDto) {
    return this.lifecycle.updateUser(id, body);
  }

  @Delete(':id')
  @ApiUuidParams('id')
  @ApiOperation({ summary: 'Delete a user', description: 'Revokes every refresh-token family of the user.' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiErrors(400, 404)
  @HttpCode(204)
  async delete(@Param('id', ParseUUIDPipe) id: string): Promise<void> {
    await this.lifecycle.deleteUser(id);
  }

  @Get(':id/sessions')
  @ApiUuidParams('id')
  @ApiOperation({ summary: "List a user's sessions", description: 'Every live refresh-token family; its `id` is the `refreshTokenId` returned at login.' })
  @ApiOkResponse({ type: SessionListDto })
  @ApiErrors(400, 404)
  async listSessions(@Param('id', ParseUUIDPipe) id: string) {
    await this.users.get(id);
    return { items: await this.sessions.list(id) };
  }

  @Delete(':id/sessions/:familyId')
  @ApiUuidParams('id', 'familyId')
  @ApiOperation({ summary: 'Revoke one session', description: 'Revokes the family: its refresh token stops working at once; access tokens already issued stay valid until they expire.' })
  @ApiNoContentResponse({ description: 'Revoked' })
  @ApiErrors(400, 404)
  @HttpCode(204)
  async revokeSession(@Param('id', ParseUUIDPipe) id: string, @Param('familyId', ParseUUIDPipe) familyId: string): Promise<void> {
    await this.sessions.revokeOne(id, familyId);
  }

  @Delete(':id/sessions')
  @ApiUuidParams('id')
  @ApiOperation({ summary: "Revoke all of a user's sessions", description: 'Revokes every live family of the user.' })
  @ApiNoContentResponse({ description: 'Revoked' })
  @ApiErrors(400, 404)
  @HttpCode(204)
  async revokeAllSessions(@Param('id', ParseUUIDPipe) id: string): Promise<void> {
    await this.users.get(id);
    await this.sessions.revokeAll(id);
  }
}
