import { appConfig, readAppConfig } from './app.config.js';
import { authConfig, readAuthConfig } from './auth.config.js';
import { cookieConfig, readCookieConfig } from './cookie.config.js';
import { databaseConfig, readDatabaseConfig } from './database.config.js';
import { portalConfig, readPortalConfig } from './portal.config.js';
import { rateLimitConfig, readRateLimitConfig } from './rate-limit.config.js';
import { readRedisConfig, redisConfig } from './redis.config.js';
import { readRetentionConfig, retentionConfig } from './retention.config.js';
import { readWebhookConfig, webhookConfig } from './webhook.config.js';

/** Every configuration section, in the order ConfigModule loads them. */
export const configSections = [appConfig, authConfig, databaseConfig, cookieConfig, webhookConfig, rateLimitConfig, redisConfig, portalConfig, retentionConfig];

/**
 * Parses every section once so that a bad value stops the process before Nest starts,
 * with one line naming the variable.
 */
export function validateEnvironment(env: Record<string, string | undefined> = process.env): void {
  for (const read of [readAppConfig, readAuthConfig, readDatabaseConfig, readCookieConfig, readWebhookConfig, readRateLimitConfig, readRedisConfig, readPortalConfig, readRetentionConfig]) {
    read(env);
  }
}

export { ConfigError } from './env-reader.js';

/** The app section, for the bootstrap code that runs before Nest's container exists. */
export function loadAppConfig(env: Record<string, string | undefined> = process.env) {
  return readAppConfig(env);
}

/**
 * What `npm run backup` needs, read without Nest: the database section, and the folder the
 * command was typed in (npm runs scripts from the package root and says where it started).
 */
export function loadBackupSettings(env: Record<string, string | undefined> = process.env) {
  return { database: readDatabaseConfig(env), workingDir: env.INIT_CWD || process.cwd() };
}
