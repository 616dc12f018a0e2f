import { Controller, Get, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../common/http/api-errors.js';
import { MeDto } from './dto/token-answers.dto.js';
import type { AccessTokenClaims } from './access-token.service.js';
import { AccessTokenGuard } from './guards/access-token.guard.js';
import { CurrentUser } from './guards/current-user.decorator.js';

/** The example protected route: who the access token says the caller is. */
@ApiTags('auth')
@Controller('api')
export class MeController {
  @Get('me')
  @ApiOperation({ summary: 'Who the access token says the caller is', description: 'The example protected route, behind AccessTokenGuard: algorithm pinned per kid, issuer, audience and expiry checked.' })
  @ApiBearerAuth('access-token')
  @ApiOkResponse({ type: MeDto })
  @ApiErrors([401, 'Missing, invalid or expired access token (WWW-Authenticate: Bearer)'])
  @UseGuards(AccessTokenGuard)
  me(@CurrentUser() user: AccessTokenClaims) {
    return { sub: user.sub, roles: user.roles, scope: user.scope, clientId: user.client_id };
  }
}
