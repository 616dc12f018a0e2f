import { Controller, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../common/http/api-errors.js';
import { RevokedKeyDto, RotatedKeyDto } from './dto/admin-answers.dto.js';
import { SigningKeyService } from '../auth/keys/signing-key.service.js';
import { AdminApiKeyGuard } from '../admin-key/admin-api-key.guard.js';

@ApiTags('admin')
@ApiBearerAuth('admin-key')
@ApiErrors([401, 'Missing or wrong admin key'], 503)
@Controller('api/admin/keys')
@UseGuards(AdminApiKeyGuard)
export class AdminKeysController {
  constructor(private readonly keys: SigningKeyService) {}

  @Post('rotate')
  @ApiOperation({ summary: 'Rotate the signing key', description: 'A new key signs from now on; the previous one stays published in the JWKS until its last token expires.' })
  @ApiOkResponse({ type: RotatedKeyDto })
  @HttpCode(200)
  async rotate() {
    return { kid: await this.keys.rotate() };
  }

  /** Emergency revoke of a stolen key: unpublished at once, replaced first if it is current. 404 for an unknown kid. */
  @Post(':kid/revoke')
  @ApiOperation({ summary: 'Revoke a signing key', description: 'For a stolen key: unpublished at once, so it verifies nothing, in every process; the current key is replaced first.' })
  @ApiOkResponse({ type: RevokedKeyDto })
  @ApiErrors([404, 'No such signing key'])
  @HttpCode(200)
  revoke(@Param('kid') kid: string) {
    return this.keys.revoke(kid);
  }
}
