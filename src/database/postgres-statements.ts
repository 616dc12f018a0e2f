import type { Pool, PoolClient, QueryConfig, QueryResult } from 'pg';
import { DataSource, QueryFailedError, type EntityManager, type QueryRunner } from 'typeorm';
import { databaseFaultCause } from './database-fault.js';
import type { Row, Statement as SqlStatement, Transaction } from './database.js';

/**
 * Named statements per connection, at most. The application's SQL is a fixed set; the cap
 * bounds what a statement built with a varying IN list could leave prepared on every
 * connection. Past it, statements run unnamed.
 */
const MAX_NAMED_STATEMENTS = 200;

/**
 * Standalone statements sent together, at most: a batch waits for its slowest statement, so
 * this bounds what one slow statement can hold up.
 */
const MAX_BATCH = 16;

/**
 * Writes committed together, at most: a group holds its row locks until its one commit, and
 * every write of it waits for the slowest.
 */
const MAX_GROUP = 32;

/** A standalone statement waiting for its batch. */
interface Batched {
  statement: Statement;
  params: unknown[];
  resolve: (rows: Row[]) => void;
  reject: (error: unknown) => void;
}

/** A write waiting for its group (writeTogether). */
interface Grouped extends Batched {
  lockKey: string;
}

/** A statement in PostgreSQL's dialect, named when it is prepared once per connection. */
interface Statement {
  name?: string;
  text: string;
}

/** What a checked-out connection holds besides its pg client. */
interface Checkout {
  client: PoolClient;
  /** Set when the connection failed while checked out: the pool then closes it instead of reusing it. */
  broken?: Error;
  onError: (error: Error) => void;
}

/**
 * PostgreSQL statements and transactions straight on the pg pool that TypeORM's driver owns.
 *
 * TypeORM's query runner costs more event-loop time per statement (broadcasts, logging
 * hooks, result wrapping, several awaits) than pg does, and a rotation is several
 * statements. Here each statement is prepared once per connection (named), and a
 * transaction's connection pipelines: statements issued together (BEGIN with them) reach
 * the server as one batch, one round trip, while the server still runs them in order.
 *
 * Standalone statements (outside a transaction) issued in the same turn of the event loop,
 * by any number of requests, are batched the same way: one connection, one write, each
 * statement still its own implicit transaction with its own result or error. Under load the
 * refresh path's reads (the client, the token) then share round trips and writes instead of
 * paying a socket write and a pool checkout each, which on a busy machine cost more event-loop
 * time than the statements themselves.
 *
 * What TypeORM's runner guaranteed is kept: SQL errors are its QueryFailedError (so
 * database faults are classified as before), statement and read timeouts and the stall
 * guard are the pool's own clients', every statement reaches TypeORM's query log when
 * query logging is on, and `tx.manager` works on the transaction's connection.
 */
export class PostgresStatements {
  private readonly statements = new Map<string, Statement>();
  private namedCount = 0;
  private readonly logsQueries: boolean;
  /** Standalone statements, sent together in the check phase after the turn that issued them. */
  private readonly batches = new IssuedThisTurn<Batched>(MAX_BATCH, (batch) => void this.runBatch(batch));
  /** Writes, committed together in the check phase after the turn that issued them. */
  private readonly groups = new IssuedThisTurn<Grouped>(MAX_GROUP, (group) => void this.commitGroup(group));

  constructor(private readonly dataSource: DataSource) {
    const logging = dataSource.options.logging;
    this.logsQueries = logging === true || logging === 'all' || (Array.isArray(logging) && logging.includes('query'));
  }

  query<T extends Row = Row>(sql: string, params: unknown[] = []): Promise<T[]> {
    const statement = this.statement(sql);
    return new Promise<T[]>((resolve, reject) => this.batches.add({ statement, params, resolve: resolve as (rows: Row[]) => void, reject }));
  }

  /**
   * A write that is a transaction by itself (one data-modifying statement), committed together
   * with the others issued in the same turn of the event loop: BEGIN, the writes, COMMIT, in
   * one round trip on one connection. They share one commit and one WAL flush, where writes on
   * connections of their own paid one each, and a write issued alone still goes alone.
   *
   * - Each write must be one that could run alone just as well (a conditional statement whose
   *   result tells what it did): whatever fails in a group, nothing of it has committed, and
   *   each write is run again alone, for its own result.
   * - A fault of the database (unreachable, timed out, full) fails the whole group with it, as
   *   it would have failed each write: no retry that could double a wait.
   * - A group runs in `lockKey` order, the key being the first row each write locks (a
   *   family's id), so groups in any number of processes take their locks in one order and
   *   cannot deadlock one another. Whatever else locks several such rows must lock them in the
   *   same order (see TokenRevocationService).
   */
  writeTogether<T extends Row = Row>(sql: string, params: unknown[], lockKey: string): Promise<T[]> {
    const statement = this.statement(sql);
    return new Promise<T[]>((resolve, reject) => this.groups.add({ statement, params, lockKey, resolve: resolve as (rows: Row[]) => void, reject }));
  }

  /** One write on a connection of its own, as its own transaction. */
  private async alone(item: Grouped): Promise<void> {
    try {
      const checkout = await this.checkout();
      try {
        item.resolve((await this.run(checkout.client, item.statement, item.params)).rows as Row[]);
      } finally {
        this.release(checkout);
      }
    } catch (error) {
      item.reject(error);
    }
  }

  private async commitGroup(group: Grouped[]): Promise<void> {
    if (group.length === 1) return this.alone(group[0]!);
    group.sort((a, b) => (a.lockKey < b.lockKey ? -1 : a.lockKey > b.lockKey ? 1 : 0));
    const checkout = await this.checkoutFor(group);
    if (!checkout) return;
    const { client } = checkout;
    pipelineThisTurn(client);
    const sent = [
      this.run(client, { text: 'BEGIN' }),
      ...group.map((item) => this.run(client, item.statement, item.params)),
      // After a failed write the server answers COMMIT with ROLLBACK: the transaction is void.
      this.run(client, { text: 'COMMIT' }),
    ];
    const outcomes = await Promise.allSettled(sent);
    setPipeline(client, false);
    this.release(checkout);
    const commit = outcomes[outcomes.length - 1]!;
    if (commit.status === 'fulfilled' && commit.value.command === 'COMMIT' && outcomes.every((outcome) => outcome.status === 'fulfilled')) {
      group.forEach((item, index) => item.resolve((outcomes[index + 1] as PromiseFulfilledResult<QueryResult>).value.rows as Row[]));
      return;
    }
    const failure = outcomes.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected')?.reason as unknown;
    // Not committed for certain only when the server said so: anything else (a lost connection) fails them all.
    const rolledBack = commit.status === 'fulfilled' && commit.value.command === 'ROLLBACK';
    if (!rolledBack || failure === undefined || databaseFaultCause(failure) !== undefined) {
      for (const item of group) item.reject(failure ?? new Error('The group of writes did not commit'));
      return;
    }
    await Promise.all(group.map((item) => this.alone(item)));
  }

  /** Sends a batch of standalone statements on one connection, pipelined, and answers each with its own outcome. */
  private async runBatch(batch: readonly Batched[]): Promise<void> {
    const checkout = await this.checkoutFor(batch);
    if (!checkout) return;
    const { client } = checkout;
    const pipelined = batch.length > 1;
    if (pipelined) pipelineThisTurn(client);
    try {
      await Promise.all(
        batch.map((item) =>
          this.run(client, item.statement, item.params).then(
            (result) => item.resolve(result.rows as Row[]),
            (error: unknown) => item.reject(error),
          ),
        ),
      );
    } finally {
      if (pipelined) setPipeline(client, false);
      this.release(checkout);
    }
  }

  async transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    const checkout = await this.checkout();
    const { client } = checkout;
    const afterCommit: (() => void)[] = [];
    let runner: QueryRunner | undefined;
    const adopt = () => (runner ??= adoptConnection(client, this.dataSource));
    // Everything the work issues before it first waits leaves in one write, BEGIN included.
    pipelineThisTurn(client);
    const begun = this.run(client, { text: 'BEGIN' });
    begun.catch(() => undefined); // its failure fails the statements behind it; awaited before COMMIT
    const tx: Transaction = {
      get manager(): EntityManager {
        return adopt().manager;
      },
      query: async <R extends Row>(sql: string, params: unknown[] = []) => (await this.run(client, this.statement(sql), params)).rows as R[],
      execute: async (sql: string, params: unknown[] = []) => (await this.run(client, this.statement(sql), params)).rowCount ?? 0,
      // Issued together, so they leave in one write; awaited together, so the first failure is the answer.
      executeEach: async (statements: readonly SqlStatement[]) =>
        (await Promise.all(statements.map(([sql, params]) => this.run(client, this.statement(sql), [...params])))).map((result) => result.rowCount ?? 0),
      lock: async (name: string) => {
        await this.run(client, this.statement('SELECT pg_advisory_xact_lock(hashtext(?))'), [name]);
      },
      afterCommit: (callback) => {
        afterCommit.push(callback);
      },
    };
    try {
      const result = await work(tx);
      await begun;
      await this.run(client, { text: 'COMMIT' });
      for (const callback of afterCommit) {
        try {
          callback();
        } catch {
          // An after-commit step must not turn a committed transaction into a failure.
        }
      }
      return result;
    } catch (error) {
      // A connection that cannot roll back is in an unknown state: the pool closes it.
      await this.run(client, { text: 'ROLLBACK' }).catch((rollbackError: Error) => {
        checkout.broken ??= rollbackError;
      });
      throw error;
    } finally {
      await runner?.release();
      setPipeline(client, false);
      this.release(checkout);
    }
  }

  /** Runs one statement as TypeORM's runner would: logged, and SQL errors raised as QueryFailedError. */
  private async run(client: PoolClient, statement: Statement, params?: unknown[]): Promise<QueryResult> {
    if (this.logsQueries) this.dataSource.logger.logQuery(statement.text, params);
    try {
      const config: QueryConfig = params === undefined ? { text: statement.text } : { name: statement.name, text: statement.text, values: params };
      return await client.query(config);
    } catch (error) {
      this.dataSource.logger.logQueryError(error as Error, statement.text, params);
      throw new QueryFailedError(statement.text, params, error as Error);
    }
  }

  /** The statement for `sql` written with `?` placeholders, rewritten to `$n` once. */
  private statement(sql: string): Statement {
    let statement = this.statements.get(sql);
    if (statement === undefined) {
      let index = 0;
      const text = sql.replace(/\?/g, () => `$${++index}`);
      // A name is never reused for another text: pg refuses that on a connection that prepared it.
      statement = this.namedCount < MAX_NAMED_STATEMENTS ? { name: `rts_${++this.namedCount}`, text } : { text };
      this.statements.set(sql, statement);
    }
    return statement;
  }

  /** A connection for statements waiting together; when none can be had, each of them fails with the reason, and there is none. */
  private async checkoutFor(waiting: readonly Batched[]): Promise<Checkout | undefined> {
    try {
      return await this.checkout();
    } catch (error) {
      for (const item of waiting) item.reject(error);
      return undefined;
    }
  }

  private async checkout(): Promise<Checkout> {
    const pool = (this.dataSource.driver as unknown as { master: Pool }).master;
    const client = await pool.connect();
    const checkout: Checkout = {
      client,
      onError: (error) => {
        checkout.broken ??= error;
      },
    };
    // pg emits a connection's failure as an 'error' event, which must have a listener.
    client.on('error', checkout.onError);
    return checkout;
  }

  private release(checkout: Checkout): void {
    checkout.client.removeListener('error', checkout.onError);
    checkout.client.release(checkout.broken);
  }
}

/**
 * What is issued until the check phase of the event loop, handed over there in lists of at
 * most `max`. The check phase comes after the turn's I/O callbacks, so what every request they
 * served issued goes in the same list.
 */
class IssuedThisTurn<T> {
  private open: T[] | undefined;

  constructor(
    private readonly max: number,
    private readonly handOver: (items: T[]) => void,
  ) {}

  add(item: T): void {
    let list = this.open;
    if (list === undefined || list.length >= this.max) {
      const opened: T[] = [];
      list = this.open = opened;
      setImmediate(() => {
        if (this.open === opened) this.open = undefined;
        this.handOver(opened);
      });
    }
    list.push(item);
  }
}

function setPipeline(client: PoolClient, on: boolean): void {
  // Only switched while the connection has nothing in flight: at checkout, and after the last statement settled.
  (client as unknown as { pipeline: boolean }).pipeline = on;
}

/** Pipeline mode on, and what is issued on the connection in this turn leaves in one write. */
function pipelineThisTurn(client: PoolClient): void {
  setPipeline(client, true);
  const stream = (client as unknown as { connection: { stream: { cork(): void; uncork(): void } } }).connection.stream;
  stream.cork();
  process.nextTick(() => stream.uncork());
}

/**
 * A TypeORM query runner on a connection this class checked out, inside its transaction: so
 * `tx.manager` reads and writes in the same transaction, and nests with savepoints.
 */
function adoptConnection(client: PoolClient, dataSource: DataSource): QueryRunner {
  const runner = dataSource.createQueryRunner('master');
  Object.assign(runner, { databaseConnection: client, isTransactionActive: true, transactionDepth: 1 });
  return runner;
}
