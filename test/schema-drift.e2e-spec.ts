/**
 * One schema truth on SQLite (the embedded default): after every migration has run on a new
 * file, a migration generated from the entities would be empty, and every index the entities
 * declare (partial ones included) is the one the migrations built.
 * test/schema-drift.pg-e2e-spec.ts does the same on PostgreSQL.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { readDatabaseConfig } from '../src/config/database.config.js';
import { dataSourceOptions } from '../src/database/data-source-options.js';
import { indexDifferences, pendingSchemaStatements } from './support/schema-drift.js';

describe('entities and migrations describe one schema (SQLite)', () => {
  let dataDir: string;
  let dataSource: DataSource;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'schema-drift-'));
    dataSource = new DataSource(dataSourceOptions(readDatabaseConfig({ DATA_DIR: dataDir })));
    await dataSource.initialize();
    await dataSource.runMigrations();
  });

  afterAll(async () => {
    await dataSource?.destroy();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('a migration generated from the entities after all migrations would be empty', async () => {
    expect({ pendingStatements: await pendingSchemaStatements(dataSource) }).toEqual({ pendingStatements: [] });
  });

  it('every index the entities declare has the columns, order, uniqueness and predicate the migrations gave it', async () => {
    expect({ indexDifferences: await indexDifferences(dataSource) }).toEqual({ indexDifferences: [] });
  });
});
