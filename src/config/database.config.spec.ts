import { readDatabaseConfig } from './database.config.js';
import { readRedisConfig } from './redis.config.js';

describe('bounded database and Redis waits', () => {
  it('default to a few seconds', () => {
    expect(readDatabaseConfig({})).toMatchObject({ connectTimeoutMs: 5000, statementTimeoutMs: 5000, busyTimeoutMs: 5000, retryAfterSeconds: 5 });
    expect(readRedisConfig({}).commandTimeoutMs).toBe(1000);
  });

  it('take whole numbers of milliseconds and refuse anything else, naming the variable', () => {
    expect(readDatabaseConfig({ DATABASE_STATEMENT_TIMEOUT_MS: '1500' }).statementTimeoutMs).toBe(1500);
    expect(() => readDatabaseConfig({ DATABASE_CONNECT_TIMEOUT_MS: '5s' })).toThrow(/^DATABASE_CONNECT_TIMEOUT_MS must be a whole number/);
    expect(() => readDatabaseConfig({ DATABASE_STATEMENT_TIMEOUT_MS: '0' })).toThrow(/^DATABASE_STATEMENT_TIMEOUT_MS must be between 100/);
    expect(() => readDatabaseConfig({ DATABASE_BUSY_TIMEOUT_MS: '-1' })).toThrow(/^DATABASE_BUSY_TIMEOUT_MS/);
    expect(() => readDatabaseConfig({ DATABASE_RETRY_AFTER_SECONDS: '0' })).toThrow(/^DATABASE_RETRY_AFTER_SECONDS/);
    expect(() => readRedisConfig({ REDIS_COMMAND_TIMEOUT_MS: 'never' })).toThrow(/^REDIS_COMMAND_TIMEOUT_MS/);
  });
});
