import { Logger, type Provider } from '@nestjs/common';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateOpaqueToken } from '../common/crypto/hashing.js';
import { appConfig, type AppConfig } from '../config/app.config.js';

export const ADMIN_API_KEY = Symbol('ADMIN_API_KEY');
export const ADMIN_API_KEY_FILE = 'admin-api-key';

/**
 * ADMIN_API_KEY, or outside production a key generated on first start and kept in a
 * 0600 file under DATA_DIR. The log names the file, never the key.
 */
export const adminApiKeyProvider: Provider = {
  provide: ADMIN_API_KEY,
  inject: [appConfig.KEY],
  useFactory: (config: AppConfig): string => {
    if (config.adminApiKey) return config.adminApiKey;
    const file = join(config.dataDir, ADMIN_API_KEY_FILE);
    if (existsSync(file)) return readFileSync(file, 'utf8').trim();
    mkdirSync(config.dataDir, { recursive: true });
    try {
      writeFileSync(file, `${generateOpaqueToken()}\n`, { mode: 0o600, flag: 'wx' });
      new Logger('AdminApiKey').warn(`ADMIN_API_KEY is not set: generated one and wrote it to ${file}`);
    } catch (error) {
      // Another process wrote it first; use theirs.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    return readFileSync(file, 'utf8').trim();
  },
};
