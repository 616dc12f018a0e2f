import { registerAs, type ConfigType } from '@nestjs/config';
import { join, resolve } from 'node:path';
import { ConfigError, EnvReader } from './env-reader.js';

export function readDatabaseConfig(env: Record<string, string | undefined>) {
  const read = new EnvReader(env);
  const url = read.string('DATABASE_URL');
  if (url !== undefined && !/^postgres(ql)?:\/\//.test(url)) {
    throw new ConfigError('DATABASE_URL', 'must be a postgres:// URL (leave it unset for the embedded SQLite file)');
  }
  const dataDir = resolve(read.string('DATA_DIR', './data'));
  return {
    kind: url ? ('postgres' as const) : ('sqlite' as const),
    url,
    sqliteFile: join(dataDir, read.string('SQLITE_FILE', 'refresh-tokens.sqlite')),
    poolSize: read.int('DATABASE_POOL_SIZE', 10, { min: 1, max: 200 }),
    logQueries: read.bool('DATABASE_LOG_QUERIES', false),
    /** PostgreSQL: the longest wait for a connection, new (TCP + handshake) or from the pool. */
    connectTimeoutMs: read.int('DATABASE_CONNECT_TIMEOUT_MS', 5_000, { min: 100, max: 600_000 }),
    /** PostgreSQL: the longest a statement may run (server-side) or wait for its answer (client-side). */
    statementTimeoutMs: read.int('DATABASE_STATEMENT_TIMEOUT_MS', 5_000, { min: 100, max: 600_000 }),
    /** SQLite: the longest a writer waits for another process's write lock. */
    busyTimeoutMs: read.int('DATABASE_BUSY_TIMEOUT_MS', 5_000, { min: 0, max: 600_000 }),
    /** Retry-After on a 503 answered because the database is unavailable, timed out or full. */
    retryAfterSeconds: read.int('DATABASE_RETRY_AFTER_SECONDS', 5, { min: 1, max: 3_600 }),
  };
}

export const databaseConfig = registerAs('database', () => readDatabaseConfig(process.env));
export type DatabaseConfig = ConfigType<typeof databaseConfig>;
