import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource, Table, type DataSourceOptions, type MigrationInterface, type QueryRunner } from 'typeorm';
import { AUTH_ENTITIES, AUTH_MIGRATIONS } from '../src/migrations.js';
import { createClient, createUser, login } from './support/fixtures.js';
import { createScratchDatabase, type ScratchDatabase } from './support/postgres-database.js';
import { startTestApp, type TestApp } from './support/test-app.js';

/** The host's own migration, older than ours and one newer, both in the host's migration set. */
class HostInvoices1700000000000 implements MigrationInterface {
  name = 'HostInvoices1700000000000';
  async up(runner: QueryRunner): Promise<void> {
    await runner.createTable(new Table({ name: 'host_invoices', columns: [{ name: 'id', type: 'varchar', length: '36', isPrimary: true }, { name: 'total', type: 'integer' }] }));
  }
  async down(runner: QueryRunner): Promise<void> {
    await runner.dropTable('host_invoices');
  }
}

// On the PostgreSQL server of DATABASE_URL (a scratch database, .ci/postgres-pass) and, without
// it, on a SQLite file: the same host DataSource either way.
describe("a host's own DataSource running our migrations beside its own", () => {
  let scratch: ScratchDatabase | undefined;
  let dir: string;
  let options: DataSourceOptions;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rts-host-db-'));
    if (process.env.DATABASE_URL) scratch = await createScratchDatabase(process.env.DATABASE_URL);
    const common = { entities: [...AUTH_ENTITIES], migrations: [HostInvoices1700000000000, ...AUTH_MIGRATIONS], migrationsTableName: 'migrations' };
    options = scratch ? { ...common, type: 'postgres', url: scratch.url } : { ...common, type: 'better-sqlite3', database: join(dir, 'host.sqlite') };
  });
  afterAll(async () => {
    await scratch?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('applies the host migration and ours in one history, and the module then starts on that database applying nothing', async () => {
    const host = new DataSource(options);
    await host.initialize();
    try {
      const applied = await host.runMigrations({ transaction: 'each' });
      expect(applied.map((migration) => migration.name)).toEqual(['HostInvoices1700000000000', ...AUTH_MIGRATIONS.map((migration) => new migration().name)]);
      expect(await host.showMigrations()).toBe(false);
      await host.query('INSERT INTO host_invoices (id, total) VALUES ($1, $2)'.replace(/\$\d/g, scratch ? (m) => m : () => '?'), ['inv-1', 42]);
    } finally {
      await host.destroy();
    }

    // The module on the same database: its migrations are already applied, and it works.
    // `sharing` points the app at this storage (and leaves it in place when it closes).
    const storage = { dataDir: dir, env: { ADMIN_API_KEY: randomBytes(24).toString('base64url'), KEY_ENCRYPTION_KEY: randomBytes(24).toString('base64url'), ...(scratch ? { DATABASE_URL: scratch.url } : {}) } } as unknown as TestApp;
    const t = await startTestApp({ sharing: storage, env: scratch ? {} : { DATABASE_URL: undefined, SQLITE_FILE: 'host.sqlite' } });
    try {
      const client = await createClient(t.api, { public: true });
      const user = await createUser(t.api, { password: randomBytes(12).toString('base64url') });
      const session = await login(t.api, user, client);
      expect(session.refreshToken).toEqual(expect.any(String));
    } finally {
      await t.close();
    }
    const check = new DataSource(options);
    await check.initialize();
    try {
      const rows = (await check.query('SELECT name FROM migrations ORDER BY id')) as { name: string }[];
      expect(rows.map((row) => row.name)).toEqual(['HostInvoices1700000000000', ...AUTH_MIGRATIONS.map((migration) => new migration().name)]);
      expect(await check.query('SELECT total FROM host_invoices')).toEqual([{ total: 42 }]);
    } finally {
      await check.destroy();
    }
  });
});
