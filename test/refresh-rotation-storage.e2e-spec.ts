import Sqlite from 'better-sqlite3';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { join } from 'node:path';
import { sha256 } from '../src/common/crypto/hashing.js';
import { FAMILY_STATEMENTS } from '../src/auth/refresh-token.repository.js';
import { Database } from '../src/database/database.js';
import { createClient, createUser, login, refreshAtTokenEndpoint, type ClientFixture, type UserFixture } from './support/fixtures.js';
import { startTestApp, type TestApp } from './support/test-app.js';

/**
 * The rotation guarantees, through the storage path the benchmark work changed (statements on
 * the SQLite connection directly, WAL checkpoints on a background thread, the successor index).
 * In the PostgreSQL pass (DATABASE_URL set) the same guarantees on PostgreSQL; on SQLite the
 * rows are read from the file by a second connection.
 */

describe(`refresh rotation on durable storage (${process.env.DATABASE_URL ? 'PostgreSQL' : 'SQLite'})`, () => {
  describe('with a grace window', () => {
    let t: TestApp;
    let client: ClientFixture;
    let user: UserFixture;

    beforeAll(async () => {
      t = await startTestApp({ env: { REFRESH_REUSE_GRACE_SECONDS: '10' } });
      client = await createClient(t.api, { public: false });
      user = await createUser(t.api);
    });
    afterAll(() => t.close());

    it('gives every one of several simultaneous refreshes of one token the same successor', async () => {
      const { refreshToken } = await login(t.api, user, client);
      const responses = await Promise.all(Array.from({ length: 8 }, () => refreshAtTokenEndpoint(t.api, client, refreshToken)));
      expect(responses.map((r) => r.status)).toEqual(Array(8).fill(200));
      expect(new Set(responses.map((r) => r.body.refresh_token)).size).toBe(1);
      expect(new Set(responses.map((r) => r.body.access_token)).size).toBe(8);
      const next = await refreshAtTokenEndpoint(t.api, client, responses[0]!.body.refresh_token);
      expect(next.status).toBe(200);
    });

    it('keeps at most one sealed successor per family along a chain, and stays fully readable from the file', async () => {
      const { refreshToken, refreshTokenId } = await login(t.api, user, client);
      let current = refreshToken;
      for (let i = 0; i < 30; i++) {
        const response = await refreshAtTokenEndpoint(t.api, client, current);
        expect(response.status).toBe(200);
        current = response.body.refresh_token;
      }
      const db = t.app.get(Database);
      if (db.kind === 'postgres') {
        const rows = await db.query<{ generation: unknown; consumed_at: unknown; successor_sealed: unknown }>(
          'SELECT generation, consumed_at, successor_sealed FROM refresh_tokens WHERE family_id = ? ORDER BY generation',
          [refreshTokenId],
        );
        expect(rows).toHaveLength(31);
        expect(rows.filter((row) => row.consumed_at === null).map((row) => db.num(row.generation))).toEqual([30]);
        expect(rows.filter((row) => row.successor_sealed !== null).map((row) => db.num(row.generation))).toEqual([29]);
        const indexes = await db.query<{ indexname: string }>("SELECT indexname FROM pg_indexes WHERE tablename = 'refresh_tokens'");
        expect(indexes.map((index) => index.indexname)).toContain('idx_refresh_tokens_kept_successor');
        return;
      }
      // A second connection reads what the server committed (WAL included).
      const file = new Sqlite(join(t.dataDir, 'refresh-tokens.sqlite'), { readonly: true });
      try {
        const rows = file
          .prepare('SELECT generation, consumed_at, successor_sealed FROM refresh_tokens WHERE family_id = ? ORDER BY generation')
          .all(refreshTokenId) as { generation: number; consumed_at: number | null; successor_sealed: string | null }[];
        expect(rows).toHaveLength(31);
        expect(rows.filter((row) => row.consumed_at === null).map((row) => row.generation)).toEqual([30]);
        // Only the token consumed last still holds its (unused) successor for the grace window.
        expect(rows.filter((row) => row.successor_sealed !== null).map((row) => row.generation)).toEqual([29]);
        const plan = file.prepare(`EXPLAIN QUERY PLAN ${FAMILY_STATEMENTS.forgetSuccessor}`).all('x', 'y') as { detail: string }[];
        expect(plan.map((step) => step.detail).join(' ')).toContain('USING INDEX idx_refresh_tokens_kept_successor');
      } finally {
        file.close();
      }
    });

    it('indexes tokens by family only where it must: first tokens, and those keeping a successor', async () => {
      const db = t.app.get(Database);
      if (db.kind === 'postgres') {
        const indexes = await db.query<{ indexdef: string }>("SELECT indexdef FROM pg_indexes WHERE tablename = 'refresh_tokens'");
        const byFamily = indexes.map((index) => index.indexdef).filter((definition) => /\(family_id[,)]/.test(definition));
        expect(byFamily).toHaveLength(2);
        for (const definition of byFamily) expect(definition).toMatch(/ WHERE /);
        const keys = await db.query("SELECT 1 FROM information_schema.table_constraints WHERE table_name = 'refresh_tokens' AND constraint_type = 'FOREIGN KEY'");
        expect(keys).toEqual([]);
        return;
      }
      const file = new Sqlite(join(t.dataDir, 'refresh-tokens.sqlite'), { readonly: true });
      try {
        // Every index that leads with family_id is partial: a rotation writes to none of them
        // but the small one of kept successors.
        const indexes = file.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'refresh_tokens' AND sql IS NOT NULL").all() as { name: string; sql: string }[];
        const byFamily = indexes.filter((index) => (file.prepare('SELECT name FROM pragma_index_info(?) WHERE seqno = 0').pluck().get(index.name) as string) === 'family_id');
        expect(byFamily.map((index) => index.name).sort()).toEqual(['idx_refresh_tokens_family_first', 'idx_refresh_tokens_kept_successor']);
        for (const index of byFamily) expect(index.sql).toMatch(/ WHERE /i);
        expect(file.prepare('SELECT * FROM pragma_foreign_key_list(?)').all('refresh_tokens')).toEqual([]);
        // And each statement that looks for a family's tokens is answered from those, never by a scan.
        const plan = (sql: string, ...params: unknown[]) =>
          (file.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map((step) => step.detail);
        const scans = (steps: string[]) => steps.filter((step) => /^SCAN (refresh_tokens|t)\b/.test(step) && !/USING/.test(step));
        const wipe = plan(FAMILY_STATEMENTS.wipeKept, 'f');
        expect(wipe.join(' ')).toContain('USING INDEX idx_refresh_tokens_kept_successor');
        const purge = plan(FAMILY_STATEMENTS.purgeTokens, 0, 0, 10, 100);
        expect(purge.join(' ')).toContain('USING INDEX idx_refresh_tokens_family_first');
        expect(scans(purge)).toEqual([]);
        expect(scans(wipe)).toEqual([]);
      } finally {
        file.close();
      }
    });

    it("stores a token by its issue time and its SHA-256, and none of the token's random part", async () => {
      const before = Date.now();
      const { refreshToken, refreshTokenId } = await login(t.api, user, client);
      const next = await refreshAtTokenEndpoint(t.api, client, refreshToken);
      expect(next.status).toBe(200);
      const db = t.app.get(Database);
      const rows = await db.query<{ token_hash: string }>('SELECT token_hash FROM refresh_tokens WHERE family_id = ? ORDER BY generation', [refreshTokenId]);
      const issued = [refreshToken, next.body.refresh_token as string];
      expect(rows.map((row) => row.token_hash)).toEqual(issued.map((token) => token.slice(0, 12) + sha256(token)));
      for (const token of issued) {
        expect(token).toMatch(/^[0-9a-f]{12}[A-Za-z0-9_-]{43}$/);
        expect(parseInt(token.slice(0, 12), 16)).toBeGreaterThanOrEqual(before);
        expect(rows.some((row) => row.token_hash.includes(token.slice(12, 24)))).toBe(false);
      }
    });

    it('still refreshes a token stored in the earlier form (its SHA-256 alone), and replays it within the grace window', async () => {
      const { refreshToken, refreshTokenId } = await login(t.api, user, client);
      const earlier = Buffer.alloc(32, 7).toString('base64url');
      const db = t.app.get(Database);
      await db.transaction((tx) => tx.execute('UPDATE refresh_tokens SET token_hash = ? WHERE family_id = ?', [sha256(earlier), refreshTokenId]));
      expect((await refreshAtTokenEndpoint(t.api, client, refreshToken)).status).toBe(400);
      const first = await refreshAtTokenEndpoint(t.api, client, earlier);
      expect(first.status).toBe(200);
      expect(first.body.refresh_token).toMatch(/^[0-9a-f]{12}[A-Za-z0-9_-]{43}$/);
      const replay = await refreshAtTokenEndpoint(t.api, client, earlier);
      expect(replay.status).toBe(200);
      expect(replay.body.refresh_token).toBe(first.body.refresh_token);
      expect((await refreshAtTokenEndpoint(t.api, client, first.body.refresh_token)).status).toBe(200);
    });
  });

  describe('without a grace window', () => {
    let t: TestApp;
    let client: ClientFixture;
    let user: UserFixture;

    beforeAll(async () => {
      t = await startTestApp({ env: { REFRESH_REUSE_GRACE_SECONDS: '0' } });
      client = await createClient(t.api, { public: false });
      user = await createUser(t.api);
    });
    afterAll(() => t.close());

    it('lets exactly one of several simultaneous refreshes win, and the losers revoke the family', async () => {
      const { refreshToken } = await login(t.api, user, client);
      const responses = await Promise.all(Array.from({ length: 8 }, () => refreshAtTokenEndpoint(t.api, client, refreshToken)));
      const winners = responses.filter((r) => r.status === 200);
      expect(winners).toHaveLength(1);
      for (const loser of responses.filter((r) => r.status !== 200)) {
        expect(loser.status).toBe(400);
        expect(loser.body.error).toBe('invalid_grant');
      }
      const afterReuse = await refreshAtTokenEndpoint(t.api, client, winners[0]!.body.refresh_token);
      expect(afterReuse.status).toBe(400);
      expect(afterReuse.body.error).toBe('invalid_grant');
    });
  });

  describe("a client's row changed by another connection (another process, an operator's tool)", () => {
    let t: TestApp;

    beforeAll(async () => {
      t = await startTestApp();
    });
    afterAll(() => t.close());

    /** Sets the client's secret outside this server's own writes: on SQLite through a second connection to its file. */
    async function setSecretElsewhere(clientId: string, secret: string): Promise<void> {
      const db = t.app.get(Database);
      if (db.kind === 'postgres') {
        await db.query('UPDATE clients SET secret_hash = ? WHERE id = ?', [sha256(secret), clientId]);
        return;
      }
      const file = new Sqlite(join(t.dataDir, 'refresh-tokens.sqlite'), { timeout: 5000 });
      try {
        file.prepare('UPDATE clients SET secret_hash = ? WHERE id = ?').run(sha256(secret), clientId);
      } finally {
        file.close();
      }
    }

    it('authenticates with the secret as committed now, not as the server last read it', async () => {
      const client = await createClient(t.api, { public: false });
      const user = await createUser(t.api);
      // Read (and kept) by the server: a login and a refresh with the current secret.
      const { refreshToken } = await login(t.api, user, client);
      const first = await refreshAtTokenEndpoint(t.api, client, refreshToken);
      expect(first.status).toBe(200);
      await setSecretElsewhere(client.clientId, 'a secret set elsewhere, long enough');
      const withOld = await refreshAtTokenEndpoint(t.api, client, first.body.refresh_token);
      expect(withOld.status).toBe(401);
      expect(withOld.body.error).toBe('invalid_client');
      const withNew = await refreshAtTokenEndpoint(t.api, { ...client, clientSecret: 'a secret set elsewhere, long enough' }, first.body.refresh_token);
      expect(withNew.status).toBe(200);
    });
  });

  describe('with ES256 (signed on the event loop, not the thread pool)', () => {
    let t: TestApp;

    beforeAll(async () => {
      t = await startTestApp({ env: { JWT_ALG: 'ES256' } });
    });
    afterAll(() => t.close());

    it('issues access tokens that verify against the published JWKS along a chain', async () => {
      const client = await createClient(t.api, { public: false });
      const user = await createUser(t.api);
      const jwks = createRemoteJWKSet(new URL(`${t.baseUrl}/.well-known/jwks.json`));
      let { refreshToken } = await login(t.api, user, client);
      for (let i = 0; i < 3; i++) {
        const response = await refreshAtTokenEndpoint(t.api, client, refreshToken);
        expect(response.status).toBe(200);
        const { payload, protectedHeader } = await jwtVerify(response.body.access_token, jwks, { algorithms: ['ES256'], audience: 'lemonApp' });
        expect(protectedHeader).toMatchObject({ alg: 'ES256', typ: 'JWT' });
        expect(payload.sub).toBe(user.id);
        refreshToken = response.body.refresh_token;
      }
    });
  });
});
