import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { Database, type Row, type Transaction } from '../database/database.js';
import { OutboxEvent } from './outbox-event.entity.js';
import { OutboxReader } from './outbox.reader.js';

describe('OutboxReader.takeOver on SQLite', () => {
  let dir: string;
  let dataSource: DataSource;
  let db: Database;
  let reader: OutboxReader;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rts-outbox-'));
    dataSource = new DataSource({ type: 'better-sqlite3', database: join(dir, 'db.sqlite'), entities: [OutboxEvent], synchronize: true, logging: ['error'] });
    await dataSource.initialize();
    db = new Database(dataSource);
    reader = new OutboxReader(db);
    const insert = 'INSERT INTO outbox_events (id, type, payload, created_at, processed_at) VALUES (?, ?, ?, ?, ?)';
    await db.transaction(async (tx) => {
      for (let i = 0; i < 1000; i++) await tx.execute(insert, [`backlog-${i}`, 'token.refreshed', '{}', i, null]);
      await tx.execute(insert, ['done', 'token.refreshed', '{}', 1, 1]);
    });
  });

  afterEach(async () => {
    await dataSource.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('marks the listed unprocessed events in one statement and returns only those it marked', async () => {
    const taken = await db.transaction((tx) => reader.takeOver(tx, ['backlog-1', 'backlog-2', 'done', 'unknown', 'backlog-1'], 50));
    expect([...taken].sort()).toEqual(['backlog-1', 'backlog-2']);
    // A second consumer racing for the same events gets none of them.
    expect((await db.transaction((tx) => reader.takeOver(tx, ['backlog-1', 'backlog-2'], 60))).size).toBe(0);
    expect(await db.query('SELECT id, processed_at FROM outbox_events WHERE id IN (?, ?, ?)', ['backlog-1', 'backlog-2', 'done'])).toEqual(
      expect.arrayContaining([
        { id: 'backlog-1', processed_at: 50 },
        { id: 'backlog-2', processed_at: 50 },
        { id: 'done', processed_at: 1 },
      ]),
    );
  });

  it('looks the listed ids up by primary key, not by walking every unprocessed event of a backlog', async () => {
    let statement: { sql: string; params: unknown[] } | undefined;
    await db.transaction((tx) => {
      const recording: Transaction = {
        ...tx,
        query: <T extends Row>(sql: string, params: unknown[] = []) => {
          statement = { sql, params };
          return tx.query<T>(sql, params);
        },
      };
      return reader.takeOver(recording, ['backlog-7'], 70);
    });
    const plan = (await dataSource.query(`EXPLAIN QUERY PLAN ${statement!.sql}`, statement!.params)) as { detail: string }[];
    const scan = plan.map((step) => step.detail).find((detail) => detail.includes('outbox_events'));
    expect(scan).toMatch(/^SEARCH outbox_events USING (INDEX sqlite_autoindex_outbox_events_1|PRIMARY KEY) \(id=\?\)/);
  });
});
