/**
 * On PostgreSQL a rotation is one statement (RefreshTokenRepository.rotateAtOnce). A
 * revocation that commits while that statement runs must leave nothing of it: the token not
 * consumed, no successor, no event. PostgreSQL pass only: it holds a row lock from a second
 * connection, which SQLite's single writer cannot interleave with.
 */
import pg from 'pg';
import { createClient, createUser, login, refreshAtTokenEndpoint } from './support/fixtures.js';
import { startTestApp, type TestApp } from './support/test-app.js';

if (!process.env.DATABASE_URL) throw new Error('postgres-rotation.pg-e2e-spec.ts needs DATABASE_URL (the PostgreSQL pass sets it)');

describe('a rotation on PostgreSQL while its family is being revoked', () => {
  let t: TestApp;
  let other: pg.Client;

  beforeAll(async () => {
    t = await startTestApp({ env: { REFRESH_REUSE_GRACE_SECONDS: '10' } });
    other = new pg.Client({ connectionString: t.env.DATABASE_URL });
    await other.connect();
  });
  afterAll(async () => {
    await other.end();
    await t.close();
  });

  /** True once a backend of this database waits for a lock: the rotation has reached the family row. */
  async function rotationWaitsForLock(): Promise<void> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const { rows } = await other.query(
        "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()",
      );
      if (rows[0].n > 0) return;
      if (Date.now() > deadline) throw new Error('the rotation never waited for the family row');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  it('answers invalid_grant and keeps nothing of the rotation: the token unconsumed, no successor, no event', async () => {
    const client = await createClient(t.api, { public: false });
    const user = await createUser(t.api);
    const { refreshToken, refreshTokenId } = await login(t.api, user, client);
    const countRows = async () => {
      const { rows } = await other.query(
        `SELECT (SELECT count(*)::int FROM refresh_tokens WHERE family_id = $1) AS tokens,
                (SELECT count(*)::int FROM refresh_tokens WHERE family_id = $1 AND consumed_at IS NOT NULL) AS consumed,
                (SELECT count(*)::int FROM outbox_events WHERE type = 'token.refreshed' AND payload LIKE '%' || $1 || '%') AS events`,
        [refreshTokenId],
      );
      return rows[0] as { tokens: number; consumed: number; events: number };
    };
    expect(await countRows()).toEqual({ tokens: 1, consumed: 0, events: 0 });

    // The revocation holds the family row, uncommitted, while the refresh reads the token (the
    // family still live as far as any snapshot shows) and runs its statement.
    await other.query('BEGIN');
    await other.query('UPDATE refresh_token_families SET revoked_at = $1, revoked_reason = $2 WHERE id = $3', [Date.now(), 'test', refreshTokenId]);
    const refresh = refreshAtTokenEndpoint(t.api, client, refreshToken);
    try {
      await rotationWaitsForLock();
    } finally {
      await other.query('COMMIT');
    }
    const response = await refresh;
    expect(response.status).toBe(400);
    expect(response.body.error).toBe('invalid_grant');
    expect(await countRows()).toEqual({ tokens: 1, consumed: 0, events: 0 });
  });

  it('rotates whole when nothing interferes: the token consumed, its successor stored, one event', async () => {
    const client = await createClient(t.api, { public: false });
    const user = await createUser(t.api);
    const { refreshToken, refreshTokenId } = await login(t.api, user, client);
    const response = await refreshAtTokenEndpoint(t.api, client, refreshToken);
    expect(response.status).toBe(200);
    const { rows } = await other.query(
      `SELECT generation, consumed_at IS NOT NULL AS consumed, successor_id FROM refresh_tokens WHERE family_id = $1 ORDER BY generation`,
      [refreshTokenId],
    );
    expect(rows.map((row) => [row.generation, row.consumed])).toEqual([
      [0, true],
      [1, false],
    ]);
    const successorId = rows[0].successor_id as string;
    const family = await other.query('SELECT rotation FROM refresh_token_families WHERE id = $1', [refreshTokenId]);
    expect(family.rows[0].rotation).toBe(1);
    const events = await other.query("SELECT payload FROM outbox_events WHERE type = 'token.refreshed' AND payload LIKE '%' || $1 || '%'", [refreshTokenId]);
    expect(events.rows).toHaveLength(1);
    expect(JSON.parse(events.rows[0].payload as string)).toMatchObject({ familyId: refreshTokenId, rotation: 1, replay: false, clientId: client.clientId });
    const successor = await other.query('SELECT family_id FROM refresh_tokens WHERE id = $1', [successorId]);
    expect(successor.rows).toEqual([{ family_id: refreshTokenId }]);
  });
});
