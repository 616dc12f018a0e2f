import { Global, Logger, Module } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { authConfig, type AuthConfig } from '../../config/auth.config.js';
import { SettingsService } from '../../database/settings.service.js';
import { PasswordHasher } from './password-hasher.js';
import { SecretBox } from './secret-box.js';

const GENERATED_KEK_SETTING = 'generated_key_encryption_key';

@Global()
@Module({
  providers: [
    PasswordHasher,
    {
      provide: SecretBox,
      inject: [authConfig.KEY, SettingsService],
      useFactory: async (config: AuthConfig, settings: SettingsService) => {
        if (config.keyEncryptionKey) return new SecretBox(config.keyEncryptionKey);
        new Logger('SecretBox').warn(
          'KEY_ENCRYPTION_KEY is not set: using a generated key kept in the database. Set it in production.',
        );
        const generated = await settings.getOrCreate(GENERATED_KEK_SETTING, () => randomBytes(32).toString('base64url'));
        return new SecretBox(generated);
      },
    },
  ],
  exports: [PasswordHasher, SecretBox],
})
export class CryptoModule {}
