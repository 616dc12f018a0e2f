/**
 * RefreshTokenFamilyChain1764000001400 on a SQLite file that already holds families and
 * tokens (the schema before it, with the foreign key and the index of every token by family):
 * the table is rebuilt without them and keeps every row, the purge then finds an ended
 * family's tokens along its chain, and the migration can be reverted.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { FAMILY_STATEMENTS } from '../src/auth/refresh-token.repository.js';
import { readDatabaseConfig } from '../src/config/database.config.js';
import { dataSourceOptions, MIGRATIONS } from '../src/database/data-source-options.js';
import { RefreshTokenFamilyChain1764000001400 } from '../src/database/migrations/1764000001400-RefreshTokenFamilyChain.js';

const DAY = 24 * 60 * 60 * 1000;

describe('the migration to family chains (SQLite, a file with data)', () => {
  let dataDir: string;

  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'family-chain-'));
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  async function open(migrations: unknown[]): Promise<DataSource> {
    const options = dataSourceOptions(readDatabaseConfig({ DATA_DIR: dataDir }));
    const dataSource = new DataSource({ ...options, migrations: migrations as never });
    await dataSource.initialize();
    return dataSource;
  }

  const foreignKeys = (db: DataSource) => db.query("SELECT \"table\" FROM pragma_foreign_key_list('refresh_tokens')");
  const indexNames = async (db: DataSource) =>
    ((await db.query("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'refresh_tokens' AND sql IS NOT NULL ORDER BY name")) as { name: string }[]).map(
      (row) => row.name,
    );

  it('rebuilds refresh_tokens without the foreign key and keeps every row; the purge follows the chains; down restores both', async () => {
    const at = MIGRATIONS.indexOf(RefreshTokenFamilyChain1764000001400);
    expect(at).toBeGreaterThan(0);
    const before = await open(MIGRATIONS.slice(0, at));
    const now = Date.now();
    try {
      await before.runMigrations();
      expect(await foreignKeys(before)).toHaveLength(1);
      const family = (id: string, revokedAt: number | null) =>
        before.query(
          `INSERT INTO refresh_token_families (id, user_id, client_id, scope, rotation, created_at, expires_at, last_used_at, revoked_at, revoked_reason)
           VALUES (?, 'u', 'c', 'openid', 2, ?, ?, ?, ?, ?)`,
          [id, now - 2 * DAY, now + DAY, now - DAY, revokedAt, revokedAt === null ? null : 'logout'],
        );
      // Two chains of three: gen 0 → 1 → 2, ids not in chain order (as UUIDv4 ids were).
      const chain = async (familyId: string, ids: [string, string, string]) => {
        for (const [generation, id] of ids.entries()) {
          const successor = ids[generation + 1] ?? null;
          await before.query(
            `INSERT INTO refresh_tokens (id, family_id, token_hash, generation, issued_at, expires_at, consumed_at, successor_id)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
            [id, familyId, `${familyId}-${generation}`, generation, now - DAY, now + DAY, successor === null ? null : now - DAY, successor],
          );
        }
      };
      await family('ended', now - 2 * DAY);
      await chain('ended', ['e-c', 'e-a', 'e-b']);
      await family('live', null);
      await chain('live', ['l-b', 'l-c', 'l-a']);
    } finally {
      await before.destroy();
    }

    const after = await open(MIGRATIONS.slice(0, at + 1));
    try {
      await after.runMigrations();
      expect(await foreignKeys(after)).toEqual([]);
      expect(await indexNames(after)).toEqual(['idx_refresh_tokens_family_first', 'idx_refresh_tokens_grace', 'idx_refresh_tokens_kept_successor', 'uq_refresh_tokens_hash']);
      expect(await after.query('SELECT id, family_id, generation, successor_id FROM refresh_tokens ORDER BY family_id, generation')).toEqual([
        { id: 'e-c', family_id: 'ended', generation: 0, successor_id: 'e-a' },
        { id: 'e-a', family_id: 'ended', generation: 1, successor_id: 'e-b' },
        { id: 'e-b', family_id: 'ended', generation: 2, successor_id: null },
        { id: 'l-b', family_id: 'live', generation: 0, successor_id: 'l-c' },
        { id: 'l-c', family_id: 'live', generation: 1, successor_id: 'l-a' },
        { id: 'l-a', family_id: 'live', generation: 2, successor_id: null },
      ]);

      const cutoff = now - DAY;
      await after.query(FAMILY_STATEMENTS.purgeTokens, [cutoff, cutoff, 10, 1000]);
      await after.query(FAMILY_STATEMENTS.purgeFamilies, [cutoff, cutoff, 10, 1000]);
      expect(await after.query('SELECT family_id, COUNT(*) AS n FROM refresh_tokens GROUP BY family_id')).toEqual([{ family_id: 'live', n: 3 }]);
      expect(await after.query('SELECT id FROM refresh_token_families')).toEqual([{ id: 'live' }]);

      await after.undoLastMigration();
      expect(await foreignKeys(after)).toHaveLength(1);
      expect(await indexNames(after)).toEqual(['idx_refresh_tokens_family', 'idx_refresh_tokens_grace', 'idx_refresh_tokens_sealed_successor', 'uq_refresh_tokens_hash']);
      expect(await after.query('SELECT COUNT(*) AS n FROM refresh_tokens')).toEqual([{ n: 3 }]);
    } finally {
      await after.destroy();
    }
  });
});
