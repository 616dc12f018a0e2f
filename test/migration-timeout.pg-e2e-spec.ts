/**
 * Requests are bounded by DATABASE_STATEMENT_TIMEOUT_MS, migrations are not: a migration that
 * takes longer than the statement timeout (an index built on a large table) still completes at
 * start. PostgreSQL pass only (statement_timeout is PostgreSQL's).
 */
import { DataSource, type MigrationInterface, type QueryRunner } from 'typeorm';
import { readDatabaseConfig } from '../src/config/database.config.js';
import { dataSourceOptions, MIGRATIONS } from '../src/database/data-source-options.js';
import { runMigrationsExclusively } from '../src/database/migration-lock.js';
import { createScratchDatabase, type ScratchDatabase } from './support/postgres-database.js';

const serverUrl = process.env.DATABASE_URL;
if (!serverUrl) throw new Error('migration-timeout.pg-e2e-spec.ts needs DATABASE_URL (the PostgreSQL pass sets it)');

class SlowIndexBuild1799999999999 implements MigrationInterface {
  name = 'SlowIndexBuild1799999999999';
  async up(runner: QueryRunner): Promise<void> {
    await runner.query('SELECT pg_sleep(0.5)');
  }
  async down(): Promise<void> {}
}

describe('migrations at start on PostgreSQL', () => {
  let scratch: ScratchDatabase;
  let dataSource: DataSource | undefined;

  beforeAll(async () => {
    scratch = await createScratchDatabase(serverUrl);
  });
  afterAll(async () => {
    await dataSource?.destroy();
    await scratch?.drop();
  });

  it('run to the end although one takes longer than the statement timeout, and requests stay bounded afterwards', async () => {
    const options = dataSourceOptions(readDatabaseConfig({ DATABASE_URL: scratch.url, DATABASE_STATEMENT_TIMEOUT_MS: '200' }));
    dataSource = await new DataSource({ ...options, migrations: [...MIGRATIONS, SlowIndexBuild1799999999999] }).initialize();
    await runMigrationsExclusively(dataSource);
    const applied = (await dataSource.query('SELECT name FROM migrations ORDER BY id')) as { name: string }[];
    expect(applied.map((row) => row.name).at(-1)).toBe('SlowIndexBuild1799999999999');
    await expect(dataSource.query('SELECT pg_sleep(0.5)')).rejects.toThrow(/statement timeout/);
  }, 30_000);
});
