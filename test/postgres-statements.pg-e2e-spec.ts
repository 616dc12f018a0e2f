/**
 * Database on PostgreSQL runs statements straight on the pg pool TypeORM's driver owns
 * (src/database/postgres-statements.ts): what TypeORM's query runner guaranteed must hold
 * there too. Runs in the PostgreSQL pass only.
 */
import { DataSource, QueryFailedError, type Logger as TypeOrmLogger } from 'typeorm';
import { readDatabaseConfig } from '../src/config/database.config.js';
import { dataSourceOptions } from '../src/database/data-source-options.js';
import { databaseFaultCause } from '../src/database/database-fault.js';
import { Database } from '../src/database/database.js';
import { Setting } from '../src/database/setting.entity.js';
import { createScratchDatabase, type ScratchDatabase } from './support/postgres-database.js';

const serverUrl = process.env.DATABASE_URL;
if (!serverUrl) throw new Error('postgres-statements.pg-e2e-spec.ts needs DATABASE_URL (the PostgreSQL pass sets it)');

/** TypeORM's logger, recording what it is given. */
class RecordingLogger implements TypeOrmLogger {
  readonly queries: string[] = [];
  readonly failures: string[] = [];
  logQuery(query: string): void {
    this.queries.push(query);
  }
  logQueryError(_error: string | Error, query: string): void {
    this.failures.push(query);
  }
  logQuerySlow(): void {}
  logSchemaBuild(): void {}
  logMigration(): void {}
  log(): void {}
}

describe('Database on PostgreSQL (statements straight on the pg pool)', () => {
  let scratch: ScratchDatabase;
  let dataSource: DataSource;
  let db: Database;
  const logger = new RecordingLogger();

  async function open(env: Record<string, string>): Promise<DataSource> {
    const source = new DataSource({ ...dataSourceOptions(readDatabaseConfig({ DATABASE_URL: scratch.url, ...env })), logger });
    return source.initialize();
  }

  beforeAll(async () => {
    scratch = await createScratchDatabase(serverUrl);
    dataSource = await open({ DATABASE_STATEMENT_TIMEOUT_MS: '1000', DATABASE_POOL_SIZE: '3' });
    await dataSource.runMigrations({ transaction: 'each' });
    db = new Database(dataSource);
  }, 60_000);

  afterAll(async () => {
    await dataSource?.destroy();
    await scratch?.drop();
  });

  beforeEach(() => db.query('DELETE FROM settings'));

  it('commits statements issued together, counts changed rows, and runs each as a named prepared statement', async () => {
    const counts = await db.transaction((tx) =>
      Promise.all([
        tx.execute('INSERT INTO settings (key, value) VALUES (?, ?)', ['a', '1']),
        tx.execute('INSERT INTO settings (key, value) VALUES (?, ?)', ['b', '2']),
        tx.execute('UPDATE settings SET value = ? WHERE key = ?', ['3', 'missing']),
        tx.query('SELECT key FROM settings ORDER BY key'),
      ]),
    );
    expect(counts).toEqual([1, 1, 0, [{ key: 'a' }, { key: 'b' }]]);
    const prepared = await db.transaction((tx) => tx.query<{ statement: string }>('SELECT statement FROM pg_prepared_statements'));
    expect(prepared.map((row) => row.statement)).toContain('SELECT statement FROM pg_prepared_statements');
  });

  it('rolls back every statement issued together when one fails, raising QueryFailedError with the SQLSTATE', async () => {
    const failing = db.transaction((tx) =>
      Promise.all([
        tx.execute('INSERT INTO settings (key, value) VALUES (?, ?)', ['a', '1']),
        tx.execute('INSERT INTO settings (key, value) VALUES (?, ?)', ['a', '2']),
        tx.execute('INSERT INTO settings (key, value) VALUES (?, ?)', ['b', '3']),
      ]),
    );
    await expect(failing).rejects.toBeInstanceOf(QueryFailedError);
    await expect(failing).rejects.toMatchObject({ driverError: { code: '23505' } });
    expect(await db.query('SELECT key FROM settings')).toEqual([]);
  });

  it('reads rows as arrays in column order with queryArrays', async () => {
    await db.transaction((tx) => tx.execute('INSERT INTO settings (key, value) VALUES (?, ?)', ['a', '1']));
    expect(await db.queryArrays('SELECT value, key FROM settings WHERE key = ?', ['a'])).toEqual([['1', 'a']]);
    expect(await db.queryArrays('SELECT value, key FROM settings WHERE key = ?', ['missing'])).toEqual([]);
  });

  it('runs executeEach statements in order with their row counts; one that fails rolls them all back', async () => {
    const counts = await db.transaction((tx) =>
      tx.executeEach([
        ['INSERT INTO settings (key, value) VALUES (?, ?)', ['a', '1']],
        ['UPDATE settings SET value = ? WHERE key = ?', ['2', 'a']],
        ['UPDATE settings SET value = ? WHERE key = ?', ['3', 'missing']],
      ]),
    );
    expect(counts).toEqual([1, 1, 0]);
    expect(await db.query('SELECT key, value FROM settings')).toEqual([{ key: 'a', value: '2' }]);
    const failing = db.transaction((tx) =>
      tx.executeEach([
        ['INSERT INTO settings (key, value) VALUES (?, ?)', ['b', '1']],
        ['INSERT INTO settings (key, value) VALUES (?, ?)', ['a', '9']],
      ]),
    );
    await expect(failing).rejects.toMatchObject({ driverError: { code: '23505' } });
    expect(await db.query('SELECT key, value FROM settings')).toEqual([{ key: 'a', value: '2' }]);
  });

  it('rolls back when the work rejects after its statements succeeded, and runs after-commit callbacks only after a commit', async () => {
    const ran: string[] = [];
    await expect(
      db.transaction(async (tx) => {
        await tx.execute('INSERT INTO settings (key, value) VALUES (?, ?)', ['a', '1']);
        tx.afterCommit(() => ran.push('rolled back'));
        throw new Error('business rule');
      }),
    ).rejects.toThrow('business rule');
    await db.transaction(async (tx) => {
      await tx.execute('INSERT INTO settings (key, value) VALUES (?, ?)', ['b', '2']);
      tx.afterCommit(() => ran.push(`committed, ${JSON.stringify(ran)} before`));
    });
    expect(ran).toEqual(['committed, [] before']);
    expect(await db.query('SELECT key FROM settings')).toEqual([{ key: 'b' }]);
  });

  it("tx.manager works in the transaction's own connection, nesting with a savepoint", async () => {
    const seen = await db.transaction(async (tx) => {
      await tx.execute('INSERT INTO settings (key, value) VALUES (?, ?)', ['a', '1']);
      const settings = tx.manager.getRepository(Setting);
      await settings.insert({ key: 'b', value: '2' });
      await tx.manager
        .transaction(async (inner) => {
          await inner.getRepository(Setting).insert({ key: 'c', value: '3' });
          throw new Error('inner fails');
        })
        .catch(() => undefined);
      return (await tx.query<{ key: string }>('SELECT key FROM settings ORDER BY key')).map((row) => row.key);
    });
    expect(seen).toEqual(['a', 'b']);
    expect(await db.query('SELECT key FROM settings ORDER BY key')).toEqual([{ key: 'a' }, { key: 'b' }]);
  });

  it('serialises transactions that take the same lock', async () => {
    const order: string[] = [];
    let holding!: () => void;
    let letGo!: () => void;
    const held = new Promise<void>((resolve) => (holding = resolve));
    const released = new Promise<void>((resolve) => (letGo = resolve));
    const first = db.transaction(async (tx) => {
      await tx.lock('spec-lock');
      order.push('first holds');
      holding();
      await released;
      order.push('first commits');
    });
    await held;
    const second = db.transaction(async (tx) => {
      await tx.lock('spec-lock');
      order.push('second holds');
    });
    // The sentinel: the second transaction is waiting for the advisory lock.
    while ((await db.query("SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")).length === 0) {
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    letGo();
    await Promise.all([first, second]);
    expect(order).toEqual(['first holds', 'first commits', 'second holds']);
  });

  it('sends standalone statements issued in one turn together, on one connection, each with its own result or error', async () => {
    await db.transaction((tx) => tx.execute('INSERT INTO settings (key, value) VALUES (?, ?)', ['a', '1']));
    // Sent one by one on a pool of three, the slow ones would each hold a connection of their own.
    const backend = () => db.query<{ pid: number }>('SELECT pg_backend_pid() AS pid, pg_sleep(0.05)::text AS slept');
    const results = await Promise.allSettled([
      backend(),
      db.query('SELECT value FROM settings WHERE key = ?', ['a']),
      backend(),
      db.query('SELECT missing_column FROM settings'),
      db.query('INSERT INTO settings (key, value) VALUES (?, ?)', ['b', '2']),
      backend(),
    ]);
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    const rows = (index: number) => (results[index] as PromiseFulfilledResult<Record<string, unknown>[]>).value;
    expect(rows(1)).toEqual([{ value: '1' }]);
    expect((results[3] as PromiseRejectedResult).reason).toBeInstanceOf(QueryFailedError);
    expect(new Set([rows(0), rows(2), rows(5)].map((answer) => answer[0]!.pid)).size).toBe(1);
    // Each statement is its own implicit transaction: the failure took nothing else back.
    expect(await db.query('SELECT key FROM settings ORDER BY key')).toEqual([{ key: 'a' }, { key: 'b' }]);
  });

  describe('writes committed together (writeTogether)', () => {
    /** Inserts a setting and says what its transaction had written before it, and which transaction it was. */
    const insert = (key: string) =>
      db.writeTogether<{ tx: string; before: string }>(
        "INSERT INTO settings (key, value) VALUES (?, 'v') RETURNING txid_current()::text AS tx, (SELECT string_agg(key, ',' ORDER BY key) FROM settings) AS before",
        [key],
        key,
      );

    it('commits the writes issued in one turn in one transaction, in lock order, each with its own result', async () => {
      const [c, a, b] = await Promise.all([insert('c'), insert('a'), insert('b')]);
      expect(new Set([a, b, c].map((rows) => rows[0]!.tx)).size).toBe(1);
      // Issued c, a, b; run a, b, c: each saw the writes before it in the same transaction.
      expect([a, b, c].map((rows) => rows[0]!.before)).toEqual([null, 'a', 'a,b']);
      expect(await db.query('SELECT key FROM settings ORDER BY key')).toEqual([{ key: 'a' }, { key: 'b' }, { key: 'c' }]);
    });

    it('when one write fails, the others are run again alone and commit; the failed one fails alone', async () => {
      await db.query("INSERT INTO settings (key, value) VALUES ('b', 'taken')");
      const results = await Promise.allSettled([insert('a'), insert('b'), insert('c')]);
      expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      expect((results[1] as PromiseRejectedResult).reason).toBeInstanceOf(QueryFailedError);
      const transactions = [results[0], results[2]].map((result) => (result as PromiseFulfilledResult<{ tx: string }[]>).value[0]!.tx);
      expect(new Set(transactions).size).toBe(2);
      expect(await db.query('SELECT key, value FROM settings ORDER BY key')).toEqual([
        { key: 'a', value: 'v' },
        { key: 'b', value: 'taken' },
        { key: 'c', value: 'v' },
      ]);
    });

    it('a fault of the database fails the whole group with it, and nothing of it commits', async () => {
      const slow = db.writeTogether("INSERT INTO settings (key, value) SELECT 'slow', pg_sleep(3)::text", [], 'a');
      const results = await Promise.allSettled([slow, insert('b')]);
      expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected']);
      for (const result of results) expect(databaseFaultCause((result as PromiseRejectedResult).reason)).toBe('timeout');
      expect(await db.query('SELECT key FROM settings')).toEqual([]);
    });
  });

  it('a statement past the statement timeout is a "timeout" database fault, and the pool serves on', async () => {
    const slow = db.query('SELECT pg_sleep(3)');
    await expect(slow).rejects.toBeInstanceOf(QueryFailedError);
    expect(databaseFaultCause(await slow.catch((error: unknown) => error))).toBe('timeout');
    expect(await db.query('SELECT 1 AS one')).toEqual([{ one: 1 }]);
  });

  it('a connection lost mid-transaction is an "unavailable" fault and is not handed out again', async () => {
    const killed = db.transaction((tx) => tx.query('SELECT pg_terminate_backend(pg_backend_pid())'));
    expect(databaseFaultCause(await killed.catch((error: unknown) => error))).toBe('unavailable');
    // With three connections in the pool, a dead one handed out again would be met within a few rounds.
    for (let i = 0; i < 6; i++) {
      expect(await db.transaction((tx) => tx.query('SELECT 1 AS one'))).toEqual([{ one: 1 }]);
    }
  });

  it("with query logging on, every statement reaches TypeORM's logger, the transaction's own included", async () => {
    const logged = await open({ DATABASE_LOG_QUERIES: 'true' });
    try {
      const loggedDb = new Database(logged);
      logger.queries.length = 0;
      await loggedDb.query('SELECT key FROM settings WHERE key = ?', ['a']);
      await loggedDb.transaction((tx) =>
        Promise.all([tx.execute('INSERT INTO settings (key, value) VALUES (?, ?)', ['z', '1']), tx.execute('DELETE FROM settings WHERE key = ?', ['z'])]),
      );
      await loggedDb.transaction((tx) => tx.query('SELECT missing_column FROM settings')).catch(() => undefined);
      expect(logger.queries).toEqual([
        'SELECT key FROM settings WHERE key = $1',
        'BEGIN',
        'INSERT INTO settings (key, value) VALUES ($1, $2)',
        'DELETE FROM settings WHERE key = $1',
        'COMMIT',
        'BEGIN',
        'SELECT missing_column FROM settings',
        'ROLLBACK',
      ]);
      expect(logger.failures).toContain('SELECT missing_column FROM settings');
    } finally {
      await logged.destroy();
    }
  });
});
