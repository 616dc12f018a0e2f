import { mkdtempSync, readdirSync, readlinkSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { DataSource, QueryFailedError } from 'typeorm';
import { readDatabaseConfig } from '../config/database.config.js';
import { dataSourceOptions } from './data-source-options.js';
import { Database } from './database.js';
import { JOURNAL_SIZE_LIMIT_BYTES, SqliteCheckpointer, START_AT_WAL_BYTES } from './sqlite-checkpointer.js';

/** Enough 400-byte rows to fill the WAL past the point where the checkpoint thread starts. */
const ROWS = Math.ceil((2 * START_AT_WAL_BYTES) / 400);

describe('Database on SQLite (statements straight on the better-sqlite3 connection)', () => {
  let dir: string;
  let dataSource: DataSource;
  let db: Database;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rts-db-'));
    dataSource = new DataSource({ type: 'better-sqlite3', database: join(dir, 'db.sqlite'), enableWAL: true, logging: ['error'] });
    await dataSource.initialize();
    db = new Database(dataSource);
    await dataSource.query('CREATE TABLE items (id TEXT PRIMARY KEY, flag BOOLEAN NOT NULL, n INTEGER)');
  });

  afterEach(async () => {
    await dataSource.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('commits a transaction, counts changed rows and reads its own writes', async () => {
    const changed = await db.transaction(async (tx) => {
      await tx.execute('INSERT INTO items (id, flag, n) VALUES (?, ?, ?)', ['a', true, 1]);
      await tx.execute('INSERT INTO items (id, flag, n) VALUES (?, ?, ?)', ['b', false, 2]);
      expect(await tx.query('SELECT id FROM items ORDER BY id')).toEqual([{ id: 'a' }, { id: 'b' }]);
      return tx.execute('UPDATE items SET n = n + 10 WHERE n > ?', [0]);
    });
    expect(changed).toBe(2);
    expect(await db.query('SELECT id, flag, n FROM items ORDER BY id')).toEqual([
      { id: 'a', flag: 1, n: 11 },
      { id: 'b', flag: 0, n: 12 },
    ]);
    expect(await db.transaction((tx) => tx.execute('UPDATE items SET n = 0 WHERE id = ?', ['missing']))).toBe(0);
  });

  it('runs executeEach statements in order, counting each one\'s changed rows; the first that fails fails the transaction, keeping none', async () => {
    const changed = await db.transaction((tx) =>
      tx.executeEach([
        ['INSERT INTO items (id, flag, n) VALUES (?, ?, ?)', ['a', true, 1]],
        ['UPDATE items SET n = n + 1 WHERE id = ?', ['a']],
        ['UPDATE items SET n = 0 WHERE id = ?', ['missing']],
      ]),
    );
    expect(changed).toEqual([1, 1, 0]);
    expect(await db.query('SELECT id, n FROM items')).toEqual([{ id: 'a', n: 2 }]);
    const failing = db.transaction((tx) =>
      tx.executeEach([
        ['UPDATE items SET n = 7 WHERE id = ?', ['a']],
        ['INSERT INTO items (id, flag) VALUES (?, ?)', ['a', true]],
        ['INSERT INTO items (id, flag) VALUES (?, ?)', ['c', true]],
      ]),
    );
    await expect(failing).rejects.toThrow(QueryFailedError);
    expect(await db.query('SELECT id, n FROM items')).toEqual([{ id: 'a', n: 2 }]);
  });

  it('reads rows as arrays in column order with queryArrays, while query() of the same SQL still gives objects', async () => {
    await db.transaction((tx) => tx.execute('INSERT INTO items (id, flag, n) VALUES (?, ?, ?)', ['a', true, 1]));
    const sql = 'SELECT n, id, flag FROM items WHERE id = ?';
    expect(await db.queryArrays(sql, ['a'])).toEqual([[1, 'a', 1]]);
    expect(await db.query(sql, ['a'])).toEqual([{ n: 1, id: 'a', flag: 1 }]);
    expect(await db.queryArrays(sql, ['a'])).toEqual([[1, 'a', 1]]);
    expect(await db.queryArrays(sql, ['missing'])).toEqual([]);
  });

  it('rolls everything back when the work fails, and raises TypeORM\'s QueryFailedError for SQL errors', async () => {
    await db.transaction((tx) => tx.execute('INSERT INTO items (id, flag) VALUES (?, ?)', ['a', true]));
    const failing = db.transaction(async (tx) => {
      await tx.execute('INSERT INTO items (id, flag) VALUES (?, ?)', ['b', true]);
      await tx.execute('INSERT INTO items (id, flag) VALUES (?, ?)', ['a', true]);
    });
    await expect(failing).rejects.toBeInstanceOf(QueryFailedError);
    await expect(db.transaction(async () => { throw new Error('business rule'); })).rejects.toThrow('business rule');
    expect(await db.query('SELECT id FROM items')).toEqual([{ id: 'a' }]);
  });

  it('runs queued transactions one at a time, in order', async () => {
    const order: string[] = [];
    await Promise.all(
      ['1', '2', '3'].map((id) =>
        db.transaction(async (tx) => {
          order.push(`begin ${id}`);
          await new Promise((resolve) => setTimeout(resolve, 5));
          await tx.execute('INSERT INTO items (id, flag) VALUES (?, ?)', [id, false]);
          order.push(`end ${id}`);
        }),
      ),
    );
    expect(order).toEqual(['begin 1', 'end 1', 'begin 2', 'end 2', 'begin 3', 'end 3']);
  });

  describe('group commit', () => {
    let reader: BetterSqlite3.Database;

    beforeEach(() => {
      // Another connection sees only what has been committed.
      reader = new BetterSqlite3(join(dir, 'db.sqlite'), { readonly: true });
    });

    afterEach(() => reader.close());

    const committedIds = () => (reader.prepare('SELECT id FROM items ORDER BY id').all() as { id: string }[]).map((row) => row.id);

    it('commits the transactions started in the same turn together, answering none of them before that commit', async () => {
      const events: string[] = [];
      const insert = (id: string) =>
        db
          .transaction(async (tx) => {
            events.push(`run ${id}: committed [${committedIds().join(',')}]`);
            await tx.execute('INSERT INTO items (id, flag) VALUES (?, ?)', [id, true]);
            tx.afterCommit(() => events.push(`after commit ${id}`));
            return id;
          })
          .then((result) => events.push(`answered ${result}`));
      await Promise.all([insert('a'), insert('b'), insert('c')]);
      expect(events).toEqual([
        'run a: committed []',
        'run b: committed []',
        'run c: committed []',
        'after commit a',
        'after commit b',
        'after commit c',
        'answered a',
        'answered b',
        'answered c',
      ]);
      expect(committedIds()).toEqual(['a', 'b', 'c']);
    });

    it('rolls a failing member back alone: the others of its group commit, and it sees their writes as a serial run would', async () => {
      const results = await Promise.allSettled([
        db.transaction((tx) => tx.execute('INSERT INTO items (id, flag) VALUES (?, ?)', ['a', true])),
        db.transaction(async (tx) => {
          await tx.execute('INSERT INTO items (id, flag) VALUES (?, ?)', ['b', true]);
          await tx.execute('INSERT INTO items (id, flag) VALUES (?, ?)', ['a', true]); // duplicate of the first member's row
        }),
        db.transaction(async (tx) => {
          await tx.execute('INSERT INTO items (id, flag) VALUES (?, ?)', ['c', true]);
          throw new Error('business rule');
        }),
        db.transaction((tx) => tx.query('SELECT id FROM items ORDER BY id')),
      ]);
      expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'fulfilled']);
      expect((results[1] as PromiseRejectedResult).reason).toBeInstanceOf(QueryFailedError);
      expect((results[2] as PromiseRejectedResult).reason).toEqual(new Error('business rule'));
      expect((results[3] as PromiseFulfilledResult<unknown>).value).toEqual([{ id: 'a' }]);
      expect(committedIds()).toEqual(['a']);
    });

    it('fails every member when the shared COMMIT fails, keeps none of their writes, and commits the next group', async () => {
      await dataSource.query('PRAGMA foreign_keys = ON');
      await dataSource.query('CREATE TABLE children (id TEXT PRIMARY KEY, item_id TEXT REFERENCES items(id) DEFERRABLE INITIALLY DEFERRED)');
      const results = await Promise.allSettled([
        db.transaction((tx) => tx.execute('INSERT INTO items (id, flag) VALUES (?, ?)', ['a', true])),
        // Checked only at COMMIT: a deferred foreign key to a row that does not exist.
        db.transaction((tx) => tx.execute('INSERT INTO children (id, item_id) VALUES (?, ?)', ['x', 'missing'])),
      ]);
      expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected']);
      expect(String((results[0] as PromiseRejectedResult).reason)).toMatch(/FOREIGN KEY/);
      expect(committedIds()).toEqual([]);
      await db.transaction((tx) => tx.execute('INSERT INTO items (id, flag) VALUES (?, ?)', ['b', true]));
      expect(committedIds()).toEqual(['b']);
    });
  });

  it('runs betweenWrites work with no transaction open, after the transactions asked before it, holding back those asked meanwhile', async () => {
    const connection = (dataSource.driver as unknown as { databaseConnection: BetterSqlite3.Database }).databaseConnection;
    // Another connection writes while the work runs: it would be SQLITE_BUSY if ours held a transaction.
    const other = new BetterSqlite3(join(dir, 'db.sqlite'), { timeout: 0 });
    const events: string[] = [];
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let workStarted!: () => void;
    const started = new Promise<void>((resolve) => (workStarted = resolve));
    try {
      const before = db.transaction((tx) => tx.execute('INSERT INTO items (id, flag) VALUES (?, ?)', ['before', true]));
      const between = db.betweenWrites(async () => {
        other.prepare('INSERT INTO items (id, flag) VALUES (?, ?)').run('other', 1);
        events.push(`work: in a transaction ${connection.inTransaction}`);
        workStarted();
        await held;
      });
      await started;
      const after = db.transaction(async (tx) => {
        events.push('after began');
        await tx.execute('INSERT INTO items (id, flag) VALUES (?, ?)', ['after', true]);
      });
      // Were it not held, the queue would begin it within this turn's microtasks: a check phase later, it has not.
      await new Promise((resolve) => setImmediate(resolve));
      events.push('released');
      release();
      await Promise.all([before, between, after]);
      expect(events).toEqual(['work: in a transaction false', 'released', 'after began']);
      expect(await db.query('SELECT id FROM items ORDER BY id')).toEqual([{ id: 'after' }, { id: 'before' }, { id: 'other' }]);
    } finally {
      other.close();
    }
  });

  it('checkpoints the WAL into the database file from a background thread', async () => {
    const checkpointer = new SqliteCheckpointer(dataSource, db);
    checkpointer.onModuleInit();
    try {
      const file = join(dir, 'db.sqlite');
      const before = statSync(file).size;
      await db.transaction(async (tx) => {
        for (let i = 0; i < ROWS; i++) await tx.execute('INSERT INTO items (id, flag, n) VALUES (?, ?, ?)', [`row-${i}-${'x'.repeat(400)}`, true, i]);
      });
      // Far below the connection's own checkpoint threshold: only the background thread copies pages.
      const deadline = Date.now() + 5000;
      while (statSync(file).size <= before && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(statSync(file).size).toBeGreaterThan(before + 100_000);
    } finally {
      await checkpointer.onApplicationShutdown();
    }
  });

  it('survives its checkpoint thread failing after the connection has closed (a shutdown in progress)', async () => {
    const checkpointer = new SqliteCheckpointer(dataSource, db);
    checkpointer.onModuleInit();
    try {
      await db.transaction(async (tx) => {
        for (let i = 0; i < ROWS; i++) await tx.execute('INSERT INTO items (id, flag, n) VALUES (?, ?, ?)', [`row-${i}-${'x'.repeat(400)}`, true, i]);
      });
      const started = () => (checkpointer as unknown as { worker?: { emit(event: string, value: unknown): boolean } }).worker;
      const deadline = Date.now() + 5000;
      while (!started() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      const worker = started();
      expect(worker).toBeDefined();
      await dataSource.destroy();
      // What a thread that dies during shutdown reports: not even an Error.
      expect(() => worker!.emit('error', undefined)).not.toThrow();
    } finally {
      await checkpointer.onApplicationShutdown();
      if (!dataSource.isInitialized) await dataSource.initialize(); // afterEach destroys it
    }
  });

  it('starts the WAL over under a steady stream of writes, without the writing connection\'s backstop checkpoint', async () => {
    const checkpointer = new SqliteCheckpointer(dataSource, db);
    checkpointer.onModuleInit();
    try {
      // Backstop off: only the thread's passes, finished by the writer between its transactions, let the WAL start over.
      await dataSource.query('PRAGMA wal_autocheckpoint = 0');
      const wal = join(dir, 'db.sqlite-wal');
      const transactions = 6_000; // each commits at least one 4 KiB page: 24 MB of WAL if it never started over
      let largest = 0;
      for (let i = 0; i < transactions; i++) {
        await db.transaction((tx) => tx.execute('INSERT INTO items (id, flag, n) VALUES (?, ?, ?)', [`row-${i}-${'x'.repeat(400)}`, true, i]));
        largest = Math.max(largest, statSync(wal, { throwIfNoEntry: false })?.size ?? 0);
        // A steady load rather than a flood: a few thousand commits a second.
        if (i % 3 === 2) await new Promise((resolve) => setTimeout(resolve, 1));
      }
      expect(await db.query('SELECT COUNT(*) AS n FROM items')).toEqual([{ n: transactions }]);
      expect(largest).toBeLessThan(12 * 1024 * 1024);
    } finally {
      await checkpointer.onApplicationShutdown();
    }
  });

  it('caps the WAL: journal_size_limit on the connection, and an idle WAL emptied by a TRUNCATE checkpoint', async () => {
    const checkpointer = new SqliteCheckpointer(dataSource, db);
    checkpointer.onModuleInit();
    try {
      expect(await dataSource.query('PRAGMA journal_size_limit')).toEqual([{ journal_size_limit: JOURNAL_SIZE_LIMIT_BYTES }]);
      const wal = join(dir, 'db.sqlite-wal');
      await db.transaction(async (tx) => {
        for (let i = 0; i < ROWS; i++) await tx.execute('INSERT INTO items (id, flag, n) VALUES (?, ?, ?)', [`row-${i}-${'x'.repeat(400)}`, true, i]);
      });
      expect(statSync(wal).size).toBeGreaterThan(100_000);
      // Nothing else writes: a PASSIVE checkpoint alone would leave the file at this size for ever.
      const deadline = Date.now() + 10_000;
      while (statSync(wal).size > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(statSync(wal).size).toBe(0);
      expect(await db.query('SELECT COUNT(*) AS n FROM items')).toEqual([{ n: ROWS }]);
    } finally {
      await checkpointer.onApplicationShutdown();
    }
  });
});

describe("the app's SQLite connection (dataSourceOptions)", () => {
  let dataDir: string;
  let dataSource: DataSource;

  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'rts-db-options-'));
    dataSource = new DataSource(dataSourceOptions(readDatabaseConfig({ DATA_DIR: dataDir })));
    await dataSource.initialize();
  });

  afterEach(async () => {
    await dataSource.destroy();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** SQLite's temporary files (a spilled savepoint journal among them), unlinked at once but held open. */
  const openTemporaryFiles = () =>
    readdirSync('/proc/self/fd')
      .map((fd) => {
        try {
          return readlinkSync(`/proc/self/fd/${fd}`);
        } catch {
          return ''; // closed meanwhile
        }
      })
      .filter((target) => target.includes('etilqs_'));

  it('keeps a grouped transaction\'s savepoint journal in memory, even past the 64 KiB at which SQLite would spill it to a file', async () => {
    const db = new Database(dataSource);
    await dataSource.query('CREATE TABLE items (id INTEGER PRIMARY KEY, body TEXT NOT NULL)');
    // About 100 pages that exist before the group begins: rewriting them all journals every one.
    await db.transaction(async (tx) => {
      for (let i = 0; i < 400; i++) await tx.execute('INSERT INTO items (id, body) VALUES (?, ?)', [i, 'a'.repeat(900)]);
    });
    const seen: string[][] = [];
    const rewriteAll = (fill: string) =>
      db.transaction(async (tx) => {
        await tx.execute('UPDATE items SET body = ?', [fill.repeat(900)]);
        seen.push(openTemporaryFiles());
      });
    // Started in one turn: one group, each member in its own savepoint.
    await Promise.all([rewriteAll('b'), rewriteAll('c')]);
    expect(seen).toEqual([[], []]);
    expect(await db.query('SELECT COUNT(*) AS n FROM items WHERE body = ?', ['c'.repeat(900)])).toEqual([{ n: 400 }]);
  });
});
