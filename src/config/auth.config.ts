import { registerAs, type ConfigType } from '@nestjs/config';
import { availableParallelism } from 'node:os';
import { ConfigError, EnvReader } from './env-reader.js';
import { readHelperThreadNice } from './helper-thread-nice.js';

const DAY = 24 * 60 * 60;

export const JWT_ALGORITHMS = ['RS256', 'ES256', 'EdDSA'] as const;
export type JwtAlgorithm = (typeof JWT_ALGORITHMS)[number];

export function readAuthConfig(env: Record<string, string | undefined>) {
  const read = new EnvReader(env);
  const production = read.string('NODE_ENV') === 'production';
  const keyEncryptionKey = read.secret('KEY_ENCRYPTION_KEY', 32);
  if (production && !keyEncryptionKey) {
    throw new ConfigError('KEY_ENCRYPTION_KEY', 'is required when NODE_ENV=production');
  }
  // QA suites test expiry end to end with lifetimes of a few seconds; production keeps a floor.
  const minLifetime = production ? 60 : 1;
  const refreshTokenTtl = read.int('REFRESH_TOKEN_TTL', 30 * DAY, { min: minLifetime });
  return {
    jwtAlg: read.oneOf('JWT_ALG', JWT_ALGORITHMS, 'RS256'),
    accessTokenTtl: read.int('ACCESS_TOKEN_TTL', 3600, { min: 1, max: DAY }),
    accessTokenProfile: read.oneOf('ACCESS_TOKEN_PROFILE', ['default', 'rfc9068'] as const, 'default'),
    accessTokenRevocationCheck: read.bool('ACCESS_TOKEN_REVOCATION_CHECK', false),
    refreshTokenTtl,
    refreshTokenIdleTtl: read.int('REFRESH_TOKEN_IDLE_TTL', 14 * DAY, { min: minLifetime }),
    reuseGraceSeconds: read.int('REFRESH_REUSE_GRACE_SECONDS', 10, { min: 0, max: 300 }),
    keyEncryptionKey,
    // Threads that sign access tokens, started as the load needs them; 0 signs on the event loop.
    signingThreads: read.int('SIGNING_THREADS', availableParallelism(), { min: 0, max: 64 }),
    signingThreadNice: readHelperThreadNice(read),
  };
}

export const authConfig = registerAs('auth', () => readAuthConfig(process.env));
export type AuthConfig = ConfigType<typeof authConfig>;
