import { registerAs, type ConfigType } from '@nestjs/config';
import { ConfigError, EnvReader } from './env-reader.js';

export function readRedisConfig(env: Record<string, string | undefined>) {
  const read = new EnvReader(env);
  const url = read.string('REDIS_URL');
  if (url !== undefined && !/^rediss?:\/\//.test(url)) {
    throw new ConfigError('REDIS_URL', 'must be a redis:// or rediss:// URL');
  }
  return {
    /** When set, rate-limit counters live in Redis and are shared by every process. */
    url,
    keyPrefix: read.string('REDIS_KEY_PREFIX', 'rts:'),
    /** A command without an answer after this long fails, and the process counts in memory meanwhile. */
    commandTimeoutMs: read.int('REDIS_COMMAND_TIMEOUT_MS', 1_000, { min: 50, max: 60_000 }),
  };
}

export const redisConfig = registerAs('redis', () => readRedisConfig(process.env));
export type RedisConfig = ConfigType<typeof redisConfig>;
