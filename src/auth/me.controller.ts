import { Controller, Get, UseGuards } from '@nestjs/common';
import type { AccessTokenClaims } from './access-token.service.js';
import { AccessTokenGuard } from './guards/access-token.guard.js';
import { CurrentUser } from './guards/current-user.decorator.js';

/** The example protected route: who the access token says the caller is. */
@Controller('api')
export class MeController {
  @Get('me')
  @UseGuards(AccessTokenGuard)
  me(@CurrentUser() user: AccessTokenClaims) {
    return { sub: user.sub, roles: user.roles, scope: user.scope, clientId: user.client_id };
  }
}
