import { Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { SigningKeyService } from '../auth/keys/signing-key.service.js';
import { AdminApiKeyGuard } from './admin-api-key.guard.js';

@Controller('api/admin/keys')
@UseGuards(AdminApiKeyGuard)
export class AdminKeysController {
  constructor(private readonly keys: SigningKeyService) {}

  @Post('rotate')
  @HttpCode(200)
  async rotate() {
    return { kid: await this.keys.rotate() };
  }
}
