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
  };
}

export const databaseConfig = registerAs('database', () => readDatabaseConfig(process.env));
export type DatabaseConfig = ConfigType<typeof databaseConfig>;
