import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Database } from '../src/database/database.js';
import { createClient, createUser, login, refreshAtTokenEndpoint, type ClientFixture, type UserFixture } from './support/fixtures.js';
import { startTestApp, type TestApp } from './support/test-app.js';

/** Attacks from the threat model (SECURITY.md) that no other suite stages end to end. */
describe('Threats: stolen tokens, replay races, user enumeration, a leaked database file', () => {
  describe('with no grace window', () => {
    let t: TestApp;
    let client: ClientFixture;
    let user: UserFixture;

    beforeAll(async () => {
      t = await startTestApp({ env: { REFRESH_REUSE_GRACE_SECONDS: '0' } });
      client = await createClient(t.api, { public: true });
      user = await createUser(t.api);
    });
    afterAll(() => t.close());

    it('a stolen refresh token used by the thief is detected when the victim refreshes, and the family dies', async () => {
      const victim = await login(t.api, user, client);
      const thief = await refreshAtTokenEndpoint(t.api, client, victim.refreshToken);
      expect(thief.status).toBe(200);
      const victimTry = await refreshAtTokenEndpoint(t.api, client, victim.refreshToken);
      expect(victimTry.status).toBe(400);
      expect(victimTry.body.error).toBe('invalid_grant');
      // The thief's successor is revoked with the family.
      expect((await refreshAtTokenEndpoint(t.api, client, thief.body.refresh_token)).status).toBe(400);
      const rows = await t.app.get(Database).query<{ type: string; payload: string }>(
        "SELECT type, payload FROM outbox_events WHERE type IN ('token.reuse_detected', 'token.revoked')",
      );
      const forFamily = rows.filter((row) => (JSON.parse(row.payload) as { familyId: string }).familyId === victim.refreshTokenId);
      expect(forFamily.map((row) => row.type).sort()).toEqual(['token.reuse_detected', 'token.revoked']);
    });

    it('a replay race on one token yields exactly one success, and the losers revoke the family', async () => {
      const pair = await login(t.api, user, client);
      const answers = await Promise.all(Array.from({ length: 8 }, () => refreshAtTokenEndpoint(t.api, client, pair.refreshToken)));
      const winners = answers.filter((answer) => answer.status === 200);
      expect(winners).toHaveLength(1);
      for (const loser of answers.filter((answer) => answer.status !== 200)) expect(loser.body.error).toBe('invalid_grant');
      expect((await refreshAtTokenEndpoint(t.api, client, winners[0]!.body.refresh_token)).status).toBe(400);
    });

    it('an unknown login id and a known one with a wrong password get the very same answer (no user enumeration)', async () => {
      // The timing side (the dummy password check for unknown ids) is measured in bench/login-timing.mjs.
      const attempt = (loginId: string) => t.api.post('/api/auth/login', { json: { loginId, password: 'wrong password', clientId: client.clientId } });
      const unknown = await attempt(`nobody-${Date.now()}@example.com`);
      const wrong = await attempt(user.loginId);
      expect(unknown.status).toBe(401);
      expect({ status: wrong.status, body: wrong.body }).toEqual({ status: unknown.status, body: unknown.body });
      expect(unknown.body).toEqual({ error: expect.any(String), message: expect.any(String) });
      const headers = (answer: typeof unknown) => Object.fromEntries([...answer.headers].filter(([name]) => !['date', 'x-request-id', 'content-length'].includes(name)));
      expect(headers(wrong)).toEqual(headers(unknown));
      expect(wrong.text.length).toBe(unknown.text.length);
    });
  });

  it('a leaked database file holds no usable token, secret, password or private key', async () => {
    const t = await startTestApp();
    let closed = false;
    try {
      const confidential = await createClient(t.api, { public: false });
      const user = await createUser(t.api, { password: 'plain text passphrase 7' });
      const first = await login(t.api, user, confidential);
      const second = await refreshAtTokenEndpoint(t.api, confidential, first.refreshToken);
      // A grace-window replay: the successor is kept on the consumed row, encrypted.
      const replay = await refreshAtTokenEndpoint(t.api, confidential, first.refreshToken);
      expect(replay.body.refresh_token).toBe(second.body.refresh_token);
      const secrets = [confidential.clientSecret!, user.password, first.refreshToken, second.body.refresh_token, t.env.KEY_ENCRYPTION_KEY!, t.adminKey];
      // Every row of every table (SQLite or PostgreSQL), plus the SQLite files and WAL as stored on disk.
      const tables = ['users', 'clients', 'refresh_token_families', 'refresh_tokens', 'signing_keys', 'settings', 'outbox_events'];
      const rows = async () => {
        const db = t.app.get(Database);
        const all = await Promise.all(tables.map((table) => db.query(`SELECT * FROM ${table}`)));
        return JSON.stringify(all);
      };
      const dump = () =>
        readdirSync(t.dataDir)
          .filter((name) => name.includes('sqlite'))
          .map((name) => readFileSync(join(t.dataDir, name)).toString('latin1'))
          .join('\n');
      // The dump must hold real content: every table's rows (plus, on SQLite, the files themselves).
      const minimum = t.app.get(Database).kind === 'sqlite' ? 10_000 : 3_000;
      const check = (text: string) => {
        expect(text.length).toBeGreaterThan(minimum);
        for (const secret of secrets) expect(text.includes(secret)).toBe(false);
        expect(text).not.toContain('PRIVATE KEY');
      };
      check(`${await rows()}\n${dump()}`);
      const live = await t.app.get(Database).query<{ n: unknown }>('SELECT COUNT(*) AS n FROM refresh_tokens WHERE successor_sealed IS NOT NULL');
      expect(t.app.get(Database).num(live[0]!.n)).toBe(1);
      await t.app.close();
      closed = true;
      if (t.app.get(Database).kind === 'sqlite') check(dump());
    } finally {
      if (closed) rmSync(t.dataDir, { recursive: true, force: true });
      else await t.close();
    }
  });
});
