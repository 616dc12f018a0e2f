/**
 * One schema truth on PostgreSQL: after every migration has run on an empty database, a
 * migration generated from the entities would be empty, and every index the entities declare
 * (partial ones included) is the one the migrations built. Runs in the PostgreSQL pass only;
 * test/schema-drift.e2e-spec.ts does the same on SQLite.
 */
import { DataSource } from 'typeorm';
import { readDatabaseConfig } from '../src/config/database.config.js';
import { dataSourceOptions } from '../src/database/data-source-options.js';
import { createScratchDatabase, type ScratchDatabase } from './support/postgres-database.js';
import { indexDifferences, pendingSchemaStatements } from './support/schema-drift.js';

const serverUrl = process.env.DATABASE_URL;
if (!serverUrl) throw new Error('schema-drift.pg-e2e-spec.ts needs DATABASE_URL (the PostgreSQL pass sets it)');

describe('entities and migrations describe one schema (PostgreSQL)', () => {
  let scratch: ScratchDatabase;
  let dataSource: DataSource;

  beforeAll(async () => {
    scratch = await createScratchDatabase(serverUrl);
    dataSource = new DataSource(dataSourceOptions(readDatabaseConfig({ DATABASE_URL: scratch.url })));
    await dataSource.initialize();
    await dataSource.runMigrations({ transaction: 'each' });
  }, 60_000);

  afterAll(async () => {
    await dataSource?.destroy();
    await scratch?.drop();
  });

  it('a migration generated from the entities after all migrations would be empty', async () => {
    expect({ pendingStatements: await pendingSchemaStatements(dataSource) }).toEqual({ pendingStatements: [] });
  });

  it('every index the entities declare has the columns, order, uniqueness and predicate the migrations gave it', async () => {
    expect({ indexDifferences: await indexDifferences(dataSource) }).toEqual({ indexDifferences: [] });
  });
});
