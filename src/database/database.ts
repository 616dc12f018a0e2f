import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type BetterSqlite3 from 'better-sqlite3';
import { DataSource, QueryFailedError, type EntityManager, type QueryRunner } from 'typeorm';
import { PostgresStatements } from './postgres-statements.js';

export type Row = Record<string, unknown>;

/** A statement and its parameters. */
export type Statement = readonly [sql: string, params: readonly unknown[]];

/** A unit of work inside one database transaction. */
export interface Transaction {
  readonly manager: EntityManager;
  /** Runs a statement; returns the rows it produced. */
  query<T extends Row = Row>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Runs a statement; returns how many rows it changed. */
  execute(sql: string, params?: unknown[]): Promise<number>;
  /**
   * Runs statements one after the other, stopping at the first that fails; returns how many
   * rows each changed. On SQLite one promise for them all, where an execute() each costs a
   * promise and a turn of the microtask queue (the refresh path runs five).
   */
  executeEach(statements: readonly Statement[]): Promise<number[]>;
  /**
   * Serialises this transaction with every other one taking the same named lock, in any
   * process, until commit (a PostgreSQL advisory lock; SQLite write transactions are
   * serialised already).
   */
  lock(name: string): Promise<void>;
  /**
   * Runs `callback` once this transaction has committed (never when it rolls back). Callbacks
   * run in registration order; one that throws does not stop the others.
   */
  afterCommit(callback: () => void): void;
}

/** Callbacks a transaction runs after its commit. */
class CommitHooks {
  private callbacks: (() => void)[] | undefined;

  add = (callback: () => void): void => {
    (this.callbacks ??= []).push(callback);
  };

  run(): void {
    if (this.callbacks === undefined) return;
    for (const callback of this.callbacks) {
      try {
        callback();
      } catch {
        // An after-commit step must not turn a committed transaction into a failure.
      }
    }
  }
}

/**
 * Raw, portable SQL and transactions over the TypeORM connection.
 *
 * SQL is written with `?` placeholders. PostgreSQL statements and transactions run in
 * postgres-statements.ts (named, pipelined, on TypeORM's pg pool), which rewrites them to `$n`.
 *
 * SQLite has one connection per process, and TypeORM would turn two overlapping
 * transactions on it into nested savepoints of one. So transactions here are queued one
 * at a time per process, and open with BEGIN IMMEDIATE so that writers in other
 * processes wait for the file lock (busy timeout) instead of failing halfway.
 *
 * On SQLite, statements run straight on the better-sqlite3 connection TypeORM opened,
 * prepared once per SQL string: the driver is synchronous, and TypeORM's per-query
 * machinery (subscriber broadcasts, logging hooks, several awaits) cost more than the
 * statement itself on the refresh path. With query logging on, TypeORM runs them, so the
 * log stays complete.
 *
 * Group commit (SQLite, statements on the connection): transactions requested in the same
 * turn of the event loop share one BEGIN IMMEDIATE … COMMIT, each inside its own SAVEPOINT.
 * They still run one at a time and in order, each sees the writes of those before it (as
 * if they had committed), one that fails is rolled back to its savepoint alone, and none is
 * answered before the shared COMMIT: a rotation is acknowledged only once it is durable.
 * The commit (its WAL append) and the BEGIN/COMMIT statements are paid once per group.
 */
/** A transaction waiting for its group, or (`between`) work waiting to run between two groups. */
interface GroupedTransaction {
  work: (tx: Transaction) => Promise<unknown>;
  resolve: (result: unknown) => void;
  reject: (error: unknown) => void;
  between?: true;
}

/** Bounds one group, so its COMMIT and the wait of its first member stay short. */
const MAX_GROUP_SIZE = 64;

@Injectable()
export class Database {
  readonly kind: 'sqlite' | 'postgres';
  private queue: Promise<unknown> = Promise.resolve();
  private readonly waiting: GroupedTransaction[] = [];
  private draining = false;
  private readonly statements = new Map<string, BetterSqlite3.Statement>();
  private readonly arrayStatements = new Map<string, BetterSqlite3.Statement>();
  private readonly direct: boolean;
  private readonly postgres?: PostgresStatements;

  constructor(@InjectDataSource() readonly dataSource: DataSource) {
    this.kind = dataSource.options.type === 'postgres' ? 'postgres' : 'sqlite';
    if (this.kind === 'postgres') this.postgres = new PostgresStatements(dataSource);
    const logging = dataSource.options.logging;
    const logsQueries = logging === true || logging === 'all' || (Array.isArray(logging) && logging.includes('query'));
    this.direct = dataSource.options.type === 'better-sqlite3' && !logsQueries;
  }

  async query<T extends Row = Row>(sql: string, params: unknown[] = []): Promise<T[]> {
    if (this.direct) return this.runDirect(sql, params) as T[];
    if (this.postgres) return this.postgres.query<T>(sql, params);
    return (await this.dataSource.query(sql, params)) as T[];
  }

  /**
   * A reading statement's rows as arrays, in the order of its columns, which must have
   * distinct names. On SQLite cheaper than objects, which name every column of every row:
   * for the refresh path's read of 22 columns, 13.0 against 15.4 µs (bench/RESULTS.md,
   * round twelve).
   */
  async queryArrays(sql: string, params: unknown[] = []): Promise<unknown[][]> {
    if (this.direct) return this.runDirect(sql, params, 'arrays') as unknown[][];
    return (await this.query(sql, params)).map((row) => Object.values(row));
  }

  /**
   * One writing statement that is a transaction by itself (a data-modifying WITH on
   * PostgreSQL), taking its row locks from the row named by `lockKey`: on PostgreSQL committed
   * together with the others issued in the same turn (see PostgresStatements.writeTogether);
   * on SQLite as query() runs it.
   */
  async writeTogether<T extends Row = Row>(sql: string, params: unknown[], lockKey: string): Promise<T[]> {
    if (this.postgres) return this.postgres.writeTogether<T>(sql, params, lockKey);
    return this.query<T>(sql, params);
  }

  transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    if (this.postgres) return this.postgres.transaction(work);
    if (this.direct) return this.enqueue(work) as Promise<T>;
    const run = this.queue.then(() => this.sqliteTransaction(work));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /**
   * SQLite: runs `work` while this process has no write transaction open, and begins none
   * until it settles: after the transactions already requested, before those requested
   * meanwhile. The event loop stays free while it runs (the checkpoint thread's finishing
   * pass uses this). `work` must settle by itself within a bounded time: writes wait for it.
   */
  betweenWrites(work: () => Promise<void>): Promise<void> {
    if (this.postgres) throw new Error('betweenWrites is for SQLite');
    if (this.direct) return this.enqueue(work, true) as Promise<void>;
    const run = this.queue.then(work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private enqueue(work: GroupedTransaction['work'], between?: true): Promise<unknown> {
    return new Promise((resolve, reject) => {
      this.waiting.push(between ? { work, resolve, reject, between } : { work, resolve, reject });
      if (!this.draining) {
        this.draining = true;
        // After this turn's I/O callbacks, so that every transaction they start joins the group.
        setImmediate(() => void this.drain());
      }
    });
  }

  /**
   * SQL for "`column` is one of a list", the list bound as one parameter (see `listParam`), so
   * that one prepared statement serves lists of every length: SQLite reads a JSON array with
   * json_each, PostgreSQL takes an array.
   */
  oneOf(column: string): string {
    return this.kind === 'postgres' ? `${column} = ANY(?)` : `${column} IN (SELECT value FROM json_each(?))`;
  }

  /** The parameter for a `oneOf` condition. */
  listParam(values: readonly string[]): unknown {
    return this.kind === 'postgres' ? [...values] : JSON.stringify(values);
  }

  /** `true`/`false` as the driver stores them (SQLite has no boolean type). */
  bool(value: unknown): boolean {
    return value === true || value === 1 || value === '1' || value === 't';
  }

  /** BIGINT comes back as a string from PostgreSQL. */
  num(value: unknown): number;
  num(value: unknown, nullable: true): number | null;
  num(value: unknown, nullable = false): number | null {
    if (value === null || value === undefined) {
      if (nullable) return null;
      throw new Error('Unexpected NULL number');
    }
    return Number(value);
  }

  private async sqliteTransaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    const runner = this.dataSource.createQueryRunner();
    const hooks = new CommitHooks();
    await runner.query('BEGIN IMMEDIATE');
    try {
      const result = await work(this.wrap(runner, hooks));
      await runner.query('COMMIT');
      hooks.run();
      return result;
    } catch (error) {
      await runner.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  }

  /** Commits the waiting transactions group by group until none is left. */
  private async drain(): Promise<void> {
    try {
      while (this.waiting.length > 0) {
        if (this.waiting[0].between) {
          const { work, resolve, reject } = this.waiting.shift()!;
          // No transaction is open here, and the next group begins once this has settled.
          await (work as () => Promise<void>)().then(resolve, reject);
          continue;
        }
        // A group ends before the next `between` work.
        const end = this.waiting.findIndex((item) => item.between);
        const group = this.waiting.splice(0, end === -1 ? MAX_GROUP_SIZE : Math.min(end, MAX_GROUP_SIZE));
        try {
          await this.commitGroup(group);
        } catch (error) {
          // A statement around the members failed (SAVEPOINT, ROLLBACK TO): nothing of the group is kept.
          this.rollbackQuietly();
          for (const member of group) member.reject(error);
        }
      }
    } finally {
      this.draining = false;
    }
  }

  private rollbackQuietly(): void {
    try {
      if (this.connection().inTransaction) this.runDirect('ROLLBACK', []);
    } catch {
      // nothing left to roll back
    }
  }

  /**
   * One BEGIN IMMEDIATE … COMMIT around the group's transactions, each in a SAVEPOINT (a
   * group of one needs none). Results are handed out, and after-commit callbacks run, only
   * once the COMMIT has succeeded; if it fails, or SQLite ends the transaction on an error
   * (a full disk, an I/O error), every member that had run fails with that error and nothing
   * of the group is kept. Members that had not run yet go back to the head of the queue.
   */
  private async commitGroup(group: GroupedTransaction[]): Promise<void> {
    const runner = this.dataSource.createQueryRunner();
    const connection = this.connection();
    try {
      this.runDirect('BEGIN IMMEDIATE', []);
    } catch (error) {
      for (const member of group) member.reject(error);
      return;
    }
    const savepoints = group.length > 1;
    const done: { member: GroupedTransaction; result: unknown; hooks: CommitHooks }[] = [];
    for (let index = 0; index < group.length; index++) {
      const member = group[index];
      const hooks = new CommitHooks();
      try {
        if (savepoints) this.runDirect('SAVEPOINT grouped', []);
        const result = await member.work({
          manager: runner.manager,
          query: <R extends Row>(sql: string, params: unknown[] = []) => Promise.resolve(this.runDirect(sql, params) as R[]),
          execute: (sql: string, params: unknown[] = []) => Promise.resolve(this.runDirect(sql, params, true) as number),
          executeEach: async (statements: readonly Statement[]) => statements.map(([sql, params]) => this.runDirect(sql, params, true) as number),
          // BEGIN IMMEDIATE already holds the database's write lock.
          lock: () => Promise.resolve(),
          afterCommit: hooks.add,
        });
        if (savepoints) this.runDirect('RELEASE grouped', []);
        done.push({ member, result, hooks });
      } catch (error) {
        if (!connection.inTransaction) {
          // SQLite rolled the whole transaction back: what the members before this one wrote is gone.
          for (const { member: lost } of done) lost.reject(error);
          member.reject(error);
          this.waiting.unshift(...group.slice(index + 1));
          return;
        }
        member.reject(error);
        if (!savepoints) {
          this.rollbackQuietly();
          return;
        }
        this.runDirect('ROLLBACK TO grouped', []);
        this.runDirect('RELEASE grouped', []);
      }
    }
    try {
      this.runDirect('COMMIT', []);
    } catch (error) {
      this.rollbackQuietly();
      for (const { member } of done) member.reject(error);
      return;
    }
    for (const { member, result, hooks } of done) {
      hooks.run();
      member.resolve(result);
    }
  }

  private connection(): BetterSqlite3.Database {
    return (this.dataSource.driver as unknown as { databaseConnection: BetterSqlite3.Database }).databaseConnection;
  }

  /** A reader's rows as objects, or as arrays with `'arrays'`; with `true`, the number of rows changed. */
  private runDirect(sql: string, params: readonly unknown[], result: boolean | 'arrays' = false): Row[] | unknown[][] | number {
    const bound = params.map((value) => (typeof value === 'boolean' ? (value ? 1 : 0) : value));
    const changes = result === true;
    try {
      // A statement returns arrays or objects until told otherwise: each kind has its own.
      const statements = result === 'arrays' ? this.arrayStatements : this.statements;
      let statement = statements.get(sql);
      if (statement === undefined) {
        statement = this.connection().prepare(sql);
        if (result === 'arrays') statement.raw(true);
        // Application SQL is a fixed set of strings; the cap only guards against a leak.
        if (statements.size >= 500) statements.clear();
        statements.set(sql, statement);
      }
      if (statement.reader) {
        const rows = statement.all(...bound) as Row[];
        return changes ? rows.length : rows;
      }
      const outcome = statement.run(...bound);
      return changes ? outcome.changes : [];
    } catch (error) {
      // The same error type TypeORM raises, so callers need not know which path ran.
      throw new QueryFailedError(sql, bound, error as Error);
    }
  }

  /** A transaction through TypeORM's query runner: SQLite with query logging on. */
  private wrap(runner: QueryRunner, hooks: CommitHooks): Transaction {
    return {
      manager: runner.manager,
      afterCommit: hooks.add,
      query: async <T extends Row>(sql: string, params: unknown[] = []) => ((await runner.query(sql, params, true)).records ?? []) as T[],
      execute: async (sql: string, params: unknown[] = []) => {
        const result = await runner.query(sql, params, true);
        return result.affected ?? 0;
      },
      executeEach: async (statements: readonly Statement[]) => {
        const changed: number[] = [];
        for (const [sql, params] of statements) changed.push((await runner.query(sql, [...params], true)).affected ?? 0);
        return changed;
      },
      // BEGIN IMMEDIATE already holds the database's write lock.
      lock: () => Promise.resolve(),
    };
  }
}
