import { Controller, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { SigningKeyService } from '../auth/keys/signing-key.service.js';
import { AdminApiKeyGuard } from '../admin-key/admin-api-key.guard.js';

@Controller('api/admin/keys')
@UseGuards(AdminApiKeyGuard)
export class AdminKeysController {
  constructor(private readonly keys: SigningKeyService) {}

  @Post('rotate')
  @HttpCode(200)
  async rotate() {
    return { kid: await this.keys.rotate() };
  }

  /** Emergency revoke of a stolen key: unpublished at once, replaced first if it is current. 404 for an unknown kid. */
  @Post(':kid/revoke')
  @HttpCode(200)
  revoke(@Param('kid') kid: string) {
    return this.keys.revoke(kid);
  }
}
