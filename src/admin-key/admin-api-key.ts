import { Logger, type Provider } from '@nestjs/common';
import { existsSync, linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
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
    // Written aside and linked into place, so a process starting at the same moment
    // (WORKERS, several servers on one DATA_DIR) never reads a half-written file.
    const draft = `${file}.${process.pid}.tmp`;
    writeFileSync(draft, `${generateOpaqueToken()}\n`, { mode: 0o600 });
    try {
      linkSync(draft, file);
      new Logger('AdminApiKey').warn(`ADMIN_API_KEY is not set: generated one and wrote it to ${file}`);
    } catch (error) {
      // Another process wrote it first; use theirs.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    } finally {
      unlinkSync(draft);
    }
    const key = readFileSync(file, 'utf8').trim();
    if (key.length < 32) throw new Error(`${file} does not hold an admin key of at least 32 characters`);
    return key;
  },
};
