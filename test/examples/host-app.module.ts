import { Controller, Get, Injectable, Module, UseGuards } from '@nestjs/common';
import { timingSafeEqual } from 'node:crypto';
import {
  AccessTokenGuard,
  AuthModule,
  CurrentUser,
  Roles,
  type AccessTokenClaims,
  type UserRecord,
  type UserStore,
} from 'refresh-token-service';

/** The host's own users, bound to USER_STORE in place of the built-in table. */
@Injectable()
export class InMemoryUserStore implements UserStore {
  private readonly users = [
    { id: 'u-alice', loginId: 'alice@example.com', password: 'alice password', roles: ['user', 'admin'], disabled: false },
    { id: 'u-bob', loginId: 'bob@example.com', password: 'bob password', roles: ['user'], disabled: false },
  ];

  async findById(id: string): Promise<UserRecord | null> {
    const user = this.users.find((candidate) => candidate.id === id);
    return user ? this.record(user) : null;
  }

  async verifyCredentials(loginId: string, password: string): Promise<UserRecord | null> {
    const user = this.users.find((candidate) => candidate.loginId === loginId);
    if (!user) return null;
    const given = Buffer.from(password);
    const expected = Buffer.from(user.password);
    return given.length === expected.length && timingSafeEqual(given, expected) ? this.record(user) : null;
  }

  private record({ id, loginId, roles, disabled }: UserRecord): UserRecord {
    return { id, loginId, roles, disabled };
  }
}

@Controller('reports')
@UseGuards(AccessTokenGuard)
export class ReportsController {
  @Get()
  list(@CurrentUser() user: AccessTokenClaims) {
    return { owner: user.sub, reports: [] };
  }

  @Get('audit')
  @Roles('admin')
  audit(@CurrentUser() user: AccessTokenClaims) {
    return { auditor: user.sub };
  }
}

@Module({
  imports: [
    AuthModule.forRootAsync({
      useFactory: () => ({ audience: 'reportsApp' }),
      userStore: InMemoryUserStore,
      routePrefix: 'auth-service',
    }),
  ],
  controllers: [ReportsController],
})
export class HostAppModule {}
