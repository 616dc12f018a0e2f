import { registerAs, type ConfigType } from '@nestjs/config';
import { EnvReader } from './env-reader.js';

/** SPEC §5: limits per window (seconds), each configurable; `RATE_LIMIT=off` disables them all. */
export function readRateLimitConfig(env: Record<string, string | undefined>) {
  const read = new EnvReader(env);
  return {
    enabled: read.bool('RATE_LIMIT', true),
    windowSeconds: read.int('RATE_LIMIT_WINDOW', 60, { min: 1, max: 86400 }),
    loginPerAccount: read.int('RATE_LIMIT_LOGIN_PER_ACCOUNT', 10, { min: 1 }),
    loginPerIp: read.int('RATE_LIMIT_LOGIN_PER_IP', 100, { min: 1 }),
    /** How long an IP and loginId pair stays locked once it went over its limit. */
    loginLockoutSeconds: read.int('RATE_LIMIT_LOGIN_LOCKOUT', 300, { min: 0, max: 86400 }),
    refreshPerIp: read.int('RATE_LIMIT_REFRESH_PER_IP', 600, { min: 1 }),
    refreshPerClient: read.int('RATE_LIMIT_REFRESH_PER_CLIENT', 600, { min: 1 }),
  };
}

export const rateLimitConfig = registerAs('rateLimit', () => readRateLimitConfig(process.env));
export type RateLimitConfig = ConfigType<typeof rateLimitConfig>;
