import { registerAs, type ConfigType } from '@nestjs/config';
import { resolve } from 'node:path';
import { ConfigError, EnvReader } from './env-reader.js';

export function readAppConfig(env: Record<string, string | undefined>) {
  const read = new EnvReader(env);
  const nodeEnv = read.string('NODE_ENV', 'development');
  const production = nodeEnv === 'production';
  const adminApiKey = read.secret('ADMIN_API_KEY', 32);
  if (production && !adminApiKey) {
    throw new ConfigError('ADMIN_API_KEY', 'is required when NODE_ENV=production');
  }
  const port = read.int('PORT', 3030, { min: 0, max: 65535 });
  return {
    nodeEnv,
    production,
    port,
    host: read.string('HOST', '0.0.0.0'),
    // Follows PORT so that changing the port alone keeps tokens and metadata consistent.
    issuer: read.url('ISSUER', `http://localhost:${port}`),
    dataDir: resolve(read.string('DATA_DIR', './data')),
    adminApiKey,
    trustProxy: read.bool('TRUST_PROXY', false),
    corsOrigins: read.list('CORS_ORIGINS'),
    workers: read.int('WORKERS', 1, { min: 1, max: 64 }),
    metricsToken: read.string('METRICS_TOKEN'),
    /** On SIGTERM, how long readiness answers 503 while still serving, before the server closes. */
    shutdownDrainSeconds: read.int('SHUTDOWN_DRAIN_SECONDS', 0, { max: 300 }),
    logLevel: read.oneOf('LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const, 'info'),
    /** Write logs to this file instead of stdout. */
    logFile: read.string('LOG_FILE'),
  };
}

export const appConfig = registerAs('app', () => readAppConfig(process.env));
export type AppConfig = ConfigType<typeof appConfig>;
