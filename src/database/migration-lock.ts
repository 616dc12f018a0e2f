import Sqlite from 'better-sqlite3';
import { Logger } from '@nestjs/common';
import { MigrationExecutor, type DataSource, type QueryRunner } from 'typeorm';

/** Any fixed 64-bit number: the PostgreSQL advisory lock held while migrations run. */
const PG_MIGRATION_LOCK = 7_416_583_902_114;
const SQLITE_LOCK_WAIT_MS = 60_000;
const PG_LOCK_WAIT_MS = 60_000;
const PG_LOCK_POLL_MS = 200;

/**
 * Applies pending migrations while holding a lock shared by every process on the same
 * database, so that several processes starting at once never run one migration twice:
 * a PostgreSQL advisory lock, or on SQLite a write transaction on a lock file beside the
 * database (a second handle on the database itself would deadlock with TypeORM's own).
 */
export async function runMigrationsExclusively(dataSource: DataSource): Promise<void> {
  const logger = new Logger('Migrations');
  const { options } = dataSource;
  const applied =
    options.type === 'postgres' ? await withPgLock(dataSource) : await withSqliteLock(dataSource, `${String(options.database)}.migrate-lock`);
  if (applied.length > 0) logger.log(`Applied ${applied.length} migration(s): ${applied.join(', ')}`);
}

async function withPgLock(dataSource: DataSource): Promise<string[]> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await acquirePgLock(runner);
    try {
      // Requests are bounded by DATABASE_STATEMENT_TIMEOUT_MS; a migration (an index built on a
      // large table) is not: it runs on this session with the timeout off.
      await runner.query('SET statement_timeout = 0');
      const executor = new MigrationExecutor(dataSource, runner);
      executor.transaction = 'all';
      return (await executor.executePendingMigrations()).map((migration) => migration.name);
    } finally {
      await runner.query('RESET statement_timeout');
      await runner.query('SELECT pg_advisory_unlock($1)', [PG_MIGRATION_LOCK]);
    }
  } finally {
    await runner.release();
  }
}

/**
 * Polls for the lock rather than blocking on it: one blocking statement would outlast
 * DATABASE_STATEMENT_TIMEOUT_MS while another process migrates.
 */
async function acquirePgLock(runner: QueryRunner): Promise<void> {
  const deadline = Date.now() + PG_LOCK_WAIT_MS;
  for (;;) {
    const [row] = (await runner.query('SELECT pg_try_advisory_lock($1) AS locked', [PG_MIGRATION_LOCK])) as { locked: boolean }[];
    if (row?.locked) return;
    if (Date.now() > deadline) throw new Error(`Another process held the migration lock for more than ${PG_LOCK_WAIT_MS / 1000} s`);
    await new Promise((done) => setTimeout(done, PG_LOCK_POLL_MS));
  }
}

async function withSqliteLock(dataSource: DataSource, lockFile: string): Promise<string[]> {
  const lock = new Sqlite(lockFile, { timeout: SQLITE_LOCK_WAIT_MS });
  try {
    lock.exec('BEGIN IMMEDIATE');
    try {
      return (await dataSource.runMigrations({ transaction: 'all' })).map((migration) => migration.name);
    } finally {
      lock.exec('COMMIT');
    }
  } finally {
    lock.close();
  }
}
