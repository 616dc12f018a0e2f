// e2e: black-box
import { createClient, createUser, login, refreshAtTokenEndpoint } from './support/fixtures.js';
import { startTestApp, type TestApp } from './support/test-app.js';

/**
 * Walks every path of the service's hand-written SQL once (admin lists with cursors,
 * boolean and BIGINT columns, revocation cascades, key rotation), so that the PostgreSQL
 * pass (DATABASE_URL set) proves the same behaviour there as on SQLite.
 */
describe('the same behaviour on either database', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('pages through clients and users with cursors, and reads booleans back as booleans', async () => {
    const created = [];
    for (let i = 0; i < 3; i++) created.push(await createClient(t.api, { public: i % 2 === 0, name: `paging ${i}` }));
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 1000; page++) {
      const response = await t.api.get(`/api/admin/clients?limit=2${cursor ? `&cursor=${cursor}` : ''}`, { admin: true });
      expect(response.status).toBe(200);
      for (const item of response.body.items) {
        expect(typeof item.public).toBe('boolean');
        seen.push(item.clientId);
      }
      cursor = response.body.nextCursor;
      if (!cursor) break;
    }
    for (const client of created) expect(seen).toContain(client.clientId);
    expect(new Set(seen).size).toBe(seen.length);

    const fetched = await t.api.get(`/api/admin/clients/${created[0]!.clientId}`, { admin: true });
    expect(fetched.body).toMatchObject({ public: true, scopes: ['openid', 'profile', 'offline_access'] });

    const user = await createUser(t.api, { roles: ['user', 'auditor'] });
    const read = await t.api.get(`/api/admin/users/${user.id}`, { admin: true });
    expect(read.body).toMatchObject({ id: user.id, roles: ['user', 'auditor'] });
    let found = false;
    let userCursor: string | undefined;
    for (let page = 0; page < 100 && !found; page++) {
      const users = await t.api.get(`/api/admin/users?limit=100${userCursor ? `&cursor=${userCursor}` : ''}`, { admin: true });
      expect(users.status).toBe(200);
      found = users.body.items.some((item: { id: string; disabled: unknown }) => item.id === user.id && item.disabled === false);
      userCursor = users.body.nextCursor;
      if (!userCursor) break;
    }
    expect(found).toBe(true);
  });

  it('disables a user (boolean update) and so revokes the sessions; lists and revokes sessions', async () => {
    const client = await createClient(t.api, { public: true });
    const user = await createUser(t.api);
    const first = await login(t.api, user, client);
    const second = await login(t.api, user, client);
    const sessions = await t.api.get(`/api/admin/users/${user.id}/sessions`, { admin: true });
    expect(sessions.status).toBe(200);
    const ids = (sessions.body.items ?? sessions.body).map((session: { id: string }) => session.id);
    expect(ids).toEqual(expect.arrayContaining([first.refreshTokenId, second.refreshTokenId]));

    const revoked = await t.api.delete(`/api/admin/users/${user.id}/sessions/${first.refreshTokenId}`, { admin: true });
    expect(revoked.status).toBe(204);
    const refused = await refreshAtTokenEndpoint(t.api, client, first.refreshToken);
    expect(refused.status).toBe(400);
    expect(refused.body).toEqual({ error: 'invalid_grant', error_description: expect.any(String) });
    const kept = await refreshAtTokenEndpoint(t.api, client, second.refreshToken);
    expect(kept.status).toBe(200);
    expect(kept.body).toMatchObject({ token_type: expect.stringMatching(/^bearer$/i), access_token: expect.any(String), refresh_token: expect.any(String) });

    const disabled = await t.api.patch(`/api/admin/users/${user.id}`, { admin: true, json: { disabled: true } });
    expect(disabled.status).toBe(200);
    expect(disabled.body.disabled).toBe(true);
    const third = await t.api.post('/api/auth/login', { json: { loginId: user.loginId, password: user.password, clientId: client.clientId } });
    expect(third.status).toBe(401);
    const after = await t.api.get(`/api/admin/users/${user.id}/sessions`, { admin: true });
    expect(after.body.items ?? after.body).toEqual([]);
  });

  it('deleting a client revokes its families; rotating the signing key keeps the old one published', async () => {
    const client = await createClient(t.api, { public: false });
    const user = await createUser(t.api);
    const tokens = await login(t.api, user, client);
    const before = await t.api.get('/.well-known/jwks.json');
    const rotated = await t.api.post('/api/admin/keys/rotate', { admin: true });
    expect(rotated.status).toBe(200);
    const kid = (rotated.body as { kid?: unknown }).kid;
    expect(kid).toEqual(expect.any(String));
    const after = await t.api.get('/.well-known/jwks.json');
    expect(after.body.keys).toHaveLength(before.body.keys.length + 1);
    expect(after.body.keys.map((key: { kid: string }) => key.kid)).toEqual(expect.arrayContaining([...before.body.keys.map((key: { kid: string }) => key.kid), kid]));
    const refreshed = await refreshAtTokenEndpoint(t.api, client, tokens.refreshToken);
    expect(refreshed.status).toBe(200);
    // The new access token is signed with the new current key.
    expect(JSON.parse(Buffer.from(refreshed.body.access_token.split('.')[0], 'base64url').toString()).kid).toBe(kid);

    const deleted = await t.api.delete(`/api/admin/clients/${client.clientId}`, { admin: true });
    expect(deleted.status).toBe(204);
    expect(deleted.text).toBe('');
    const sessions = await t.api.get(`/api/admin/users/${user.id}/sessions`, { admin: true });
    expect(sessions.status).toBe(200);
    expect(sessions.body.items ?? sessions.body).toEqual([]);
    const refused = await refreshAtTokenEndpoint(t.api, client, refreshed.body.refresh_token);
    expect(refused.status).toBe(401);
    expect(refused.body).toEqual({ error: 'invalid_client', error_description: expect.any(String) });
  });
});
