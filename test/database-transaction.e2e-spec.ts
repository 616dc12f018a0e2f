import { Database } from '../src/database/database.js';
import { startTestApp, type TestApp } from './support/test-app.js';

/**
 * Transaction.query() returns the rows a statement produced, whatever the statement, on
 * SQLite and (with DATABASE_URL) on PostgreSQL, whose driver wraps the result of an
 * UPDATE or DELETE differently: the webhook dispatcher claims with UPDATE … RETURNING.
 */
describe('Database transactions: rows of any statement', () => {
  let t: TestApp;
  let db: Database;

  beforeAll(async () => {
    t = await startTestApp();
    db = t.app.get(Database);
  });
  afterAll(() => t.close());

  it('returns the rows of INSERT, UPDATE and DELETE … RETURNING, and none for a statement without rows', async () => {
    const key = `tx-rows-${Date.now()}`;
    const inserted = await db.transaction((tx) => tx.query('INSERT INTO settings (key, value) VALUES (?, ?) RETURNING key, value', [key, 'one']));
    expect(inserted).toEqual([{ key, value: 'one' }]);
    const updated = await db.transaction((tx) => tx.query('UPDATE settings SET value = ? WHERE key = ? RETURNING key, value', ['two', key]));
    expect(updated).toEqual([{ key, value: 'two' }]);
    const untouched = await db.transaction((tx) => tx.query('UPDATE settings SET value = ? WHERE key = ? RETURNING key', ['x', `${key}-missing`]));
    expect(untouched).toEqual([]);
    const selected = await db.transaction((tx) => tx.query('SELECT value FROM settings WHERE key = ?', [key]));
    expect(selected).toEqual([{ value: 'two' }]);
    const deleted = await db.transaction((tx) => tx.query('DELETE FROM settings WHERE key = ? RETURNING key', [key]));
    expect(deleted).toEqual([{ key }]);
    expect(await db.transaction((tx) => tx.query('UPDATE settings SET value = ? WHERE key = ?', ['y', key]))).toEqual([]);
  });
});
