import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type BetterSqlite3 from 'better-sqlite3';
import { DataSource, QueryFailedError, type EntityManager, type QueryRunner } from 'typeorm';
import { PostgresStatements } from './postgres-statements.js';

export type Row = Record<string, unknown>;

/** A unit of work inside one database transaction. */
export interface Transaction {
  readonly manager: EntityManager;
  /** Runs a statement; returns the rows it produced. */
  query<T extends Row = Row>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Runs a statement; returns how many rows it changed. */
  execute(sql: string, params?: unknown[]): Promise<number>;
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
 * SQL is written with `?` placeholders and rewritten to `$n` for PostgreSQL.
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
 */
@Injectable()
export class Database {
  readonly kind: 'sqlite' | 'postgres';
  private queue: Promise<unknown> = Promise.resolve();
  private readonly placeholderCache = new Map<string, string>();
  private readonly statements = new Map<string, BetterSqlite3.Statement>();
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

  transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    if (this.postgres) return this.postgres.transaction(work);
    const run = this.queue.then(() => this.sqliteTransaction(work));
    this.queue = run.catch(() => undefined);
    return run;
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
    if (this.direct) return this.directTransaction(runner, work);
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

  private async directTransaction<T>(runner: QueryRunner, work: (tx: Transaction) => Promise<T>): Promise<T> {
    const hooks = new CommitHooks();
    this.runDirect('BEGIN IMMEDIATE', []);
    try {
      const result = await work({
        manager: runner.manager,
        query: <R extends Row>(sql: string, params: unknown[] = []) => Promise.resolve(this.runDirect(sql, params) as R[]),
        execute: (sql: string, params: unknown[] = []) => Promise.resolve(this.runDirect(sql, params, true) as number),
        // BEGIN IMMEDIATE already holds the database's write lock.
        lock: () => Promise.resolve(),
        afterCommit: hooks.add,
      });
      this.runDirect('COMMIT', []);
      hooks.run();
      return result;
    } catch (error) {
      try {
        this.runDirect('ROLLBACK', []);
      } catch {
        // no transaction left to roll back (SQLite may have ended it on the error)
      }
      throw error;
    }
  }

  /** Rows for a reader, else the number of changed rows when `changes` is asked for. */
  private runDirect(sql: string, params: unknown[], changes = false): Row[] | number {
    const bound = params.map((value) => (typeof value === 'boolean' ? (value ? 1 : 0) : value));
    try {
      let statement = this.statements.get(sql);
      if (statement === undefined) {
        const connection = (this.dataSource.driver as unknown as { databaseConnection: BetterSqlite3.Database }).databaseConnection;
        statement = connection.prepare(sql);
        // Application SQL is a fixed set of strings; the cap only guards against a leak.
        if (this.statements.size >= 500) this.statements.clear();
        this.statements.set(sql, statement);
      }
      if (statement.reader) {
        const rows = statement.all(...bound) as Row[];
        return changes ? rows.length : rows;
      }
      const result = statement.run(...bound);
      return changes ? result.changes : [];
    } catch (error) {
      // The same error type TypeORM raises, so callers need not know which path ran.
      throw new QueryFailedError(sql, bound, error as Error);
    }
  }

  private wrap(runner: QueryRunner, hooks: CommitHooks): Transaction {
    return {
      manager: runner.manager,
      afterCommit: hooks.add,
      // The structured result: PostgreSQL's plain result of an UPDATE or DELETE (… RETURNING) is [rows, rowCount].
      query: async <T extends Row>(sql: string, params: unknown[] = []) => ((await runner.query(this.dialect(sql), params, true)).records ?? []) as T[],
      execute: async (sql: string, params: unknown[] = []) => {
        const result = await runner.query(this.dialect(sql), params, true);
        return result.affected ?? 0;
      },
      lock: async (name: string) => {
        if (this.kind === 'postgres') await runner.query('SELECT pg_advisory_xact_lock(hashtext($1))', [name]);
      },
    };
  }

  private dialect(sql: string): string {
    if (this.kind === 'sqlite') return sql;
    let rewritten = this.placeholderCache.get(sql);
    if (rewritten === undefined) {
      let index = 0;
      rewritten = sql.replace(/\?/g, () => `$${++index}`);
      this.placeholderCache.set(sql, rewritten);
    }
    return rewritten;
  }
}
