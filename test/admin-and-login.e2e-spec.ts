// e2e: black-box
import { randomUUID } from 'node:crypto';
import { createClient, createUser, login, refreshAtTokenEndpoint } from './support/fixtures.js';
import { startTestApp, type TestApp } from './support/test-app.js';

describe('admin API and login', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('creates a confidential client whose secret is shown once', async () => {
    const created = await t.api.post('/api/admin/clients', { admin: true, json: { name: 'backend', audience: 'lemonApp' } });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      clientId: expect.any(String),
      clientSecret: expect.any(String),
      name: 'backend',
      audience: 'lemonApp',
      scopes: ['openid', 'profile', 'offline_access'],
      public: false,
    });
    expect(Buffer.from(created.body.clientSecret, 'base64url').length).toBeGreaterThanOrEqual(32);
    const fetched = await t.api.get(`/api/admin/clients/${created.body.clientId}`, { admin: true });
    expect(fetched.body.clientSecret).toBeUndefined();
    expect(fetched.text).not.toContain(created.body.clientSecret);
  });

  it('lists clients page by page', async () => {
    for (let i = 0; i < 3; i++) await createClient(t.api, { name: `page-${i}` });
    const seen = new Set<string>();
    let cursor: string | undefined;
    do {
      const page = await t.api.get(`/api/admin/clients?limit=2${cursor ? `&cursor=${cursor}` : ''}`, { admin: true });
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      page.body.items.forEach((client: { clientId: string }) => seen.add(client.clientId));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen.size).toBeGreaterThanOrEqual(3);
  });

  it('patches a client and rotates its secret (the old one stops working)', async () => {
    const client = await createClient(t.api, { public: false });
    const patched = await t.api.patch(`/api/admin/clients/${client.clientId}`, { admin: true, json: { name: 'renamed', scopes: ['openid'] } });
    expect(patched.body).toMatchObject({ name: 'renamed', scopes: ['openid'] });
    const user = await createUser(t.api);
    const pair = await login(t.api, user, client);
    const rotated = await t.api.post(`/api/admin/clients/${client.clientId}/rotate-secret`, { admin: true });
    expect(rotated.status).toBe(200);
    expect(rotated.body.clientSecret).not.toBe(client.clientSecret);
    expect((await refreshAtTokenEndpoint(t.api, client, pair.refreshToken)).status).toBe(401);
    expect((await refreshAtTokenEndpoint(t.api, { ...client, clientSecret: rotated.body.clientSecret }, pair.refreshToken)).status).toBe(200);
  });

  it('deleting a client revokes its families', async () => {
    const client = await createClient(t.api, { public: true });
    const user = await createUser(t.api);
    const pair = await login(t.api, user, client);
    expect((await t.api.delete(`/api/admin/clients/${client.clientId}`, { admin: true })).status).toBe(204);
    expect((await t.api.get(`/api/admin/clients/${client.clientId}`, { admin: true })).status).toBe(404);
    expect((await refreshAtTokenEndpoint(t.api, client, pair.refreshToken)).status).toBe(401);
  });

  it('creates users without ever returning the password, and refuses a duplicate loginId', async () => {
    // Unique per run: against a running deployment (npm run test:e2e:remote) the spec must be repeatable.
    const loginId = `dup-${randomUUID()}@example.com`;
    const response = await t.api.post('/api/admin/users', { admin: true, json: { loginId, password: 'long enough pw', roles: ['user', 'admin'] } });
    expect(response.status).toBe(201);
    expect(response.body).toEqual({ id: expect.any(String), loginId, roles: ['user', 'admin'], disabled: false });
    const again = await t.api.post('/api/admin/users', { admin: true, json: { loginId, password: 'long enough pw' } });
    expect(again.status).toBe(409);
  });

  it('disabling a user or changing the password revokes its families; deleting it too', async () => {
    const client = await createClient(t.api, { public: true });
    for (const change of [{ disabled: true }, { password: 'a brand new password' }]) {
      const user = await createUser(t.api);
      const pair = await login(t.api, user, client);
      const patched = await t.api.patch(`/api/admin/users/${user.id}`, { admin: true, json: change });
      expect(patched.status).toBe(200);
      expect(patched.body).toEqual({ id: user.id, loginId: user.loginId, roles: ['user'], disabled: 'disabled' in change });
      expect(patched.text).not.toContain('a brand new password');
      const refused = await refreshAtTokenEndpoint(t.api, client, pair.refreshToken);
      expect(refused.status).toBe(400);
      expect(refused.body).toEqual({ error: 'invalid_grant', error_description: expect.any(String) });
    }
    const user = await createUser(t.api);
    const pair = await login(t.api, user, client);
    const deleted = await t.api.delete(`/api/admin/users/${user.id}`, { admin: true });
    expect(deleted.status).toBe(204);
    expect(deleted.text).toBe('');
    const refused = await refreshAtTokenEndpoint(t.api, client, pair.refreshToken);
    expect(refused.status).toBe(400);
    expect(refused.body).toEqual({ error: 'invalid_grant', error_description: expect.any(String) });
    expect((await t.api.get(`/api/admin/users/${user.id}`, { admin: true })).status).toBe(404);
  });

  it('validates admin input with clear 400s', async () => {
    for (const json of [{}, { name: 'x' }, { name: 1, audience: 'a' }, { name: 'x', audience: 'a', scopes: ['has space'] }, { name: 'x', audience: 'a', extra: true }]) {
      const response = await t.api.post('/api/admin/clients', { admin: true, json });
      expect(response.status).toBe(400);
      expect(response.body).toEqual({ error: 'invalid_request', message: expect.any(String) });
    }
    expect((await t.api.get('/api/admin/clients/not-a-uuid', { admin: true })).status).toBe(400);
    expect((await t.api.get('/api/admin/clients?limit=0', { admin: true })).status).toBe(400);
  });

  describe('POST /api/auth/login', () => {
    it('returns the first pair with Cache-Control: no-store', async () => {
      const client = await createClient(t.api, { public: true });
      const user = await createUser(t.api);
      const response = await t.api.post('/api/auth/login', { json: { loginId: user.loginId, password: user.password, clientId: client.clientId } });
      expect(response.status).toBe(200);
      expect(response.headers.get('cache-control')).toBe('no-store');
      expect(response.body).toEqual({ token: expect.any(String), refreshToken: expect.any(String), refreshTokenId: expect.any(String), expiresIn: 3600 });
    });

    it('answers wrong credentials with the same 401 whether the user exists or not', async () => {
      const client = await createClient(t.api, { public: true });
      const user = await createUser(t.api);
      const wrongPassword = await t.api.post('/api/auth/login', { json: { loginId: user.loginId, password: 'wrong password', clientId: client.clientId } });
      const noSuchUser = await t.api.post('/api/auth/login', { json: { loginId: 'nobody@example.com', password: 'wrong password', clientId: client.clientId } });
      expect(wrongPassword.status).toBe(401);
      expect(noSuchUser.status).toBe(401);
      expect(wrongPassword.body).toEqual(noSuchUser.body);
    });

    it('requires a confidential client to authenticate, by clientSecret or client_secret_basic', async () => {
      const client = await createClient(t.api, { public: false });
      const user = await createUser(t.api);
      const body = { loginId: user.loginId, password: user.password, clientId: client.clientId };
      expect((await t.api.post('/api/auth/login', { json: body })).status).toBe(401);
      expect((await t.api.post('/api/auth/login', { json: { ...body, clientSecret: 'wrong' } })).status).toBe(401);
      expect((await t.api.post('/api/auth/login', { json: { ...body, clientSecret: client.clientSecret } })).status).toBe(200);
      const viaBasic = await t.api.post('/api/auth/login', {
        json: body,
        headers: { authorization: `Basic ${Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64')}` },
      });
      expect(viaBasic.status).toBe(200);
    });

    it('grants a narrower scope on request and refuses one the client does not have', async () => {
      const client = await createClient(t.api, { public: true, scopes: ['openid', 'profile'] });
      const user = await createUser(t.api);
      const narrowed = await login(t.api, user, client, { scope: 'openid' });
      expect((await refreshAtTokenEndpoint(t.api, client, narrowed.refreshToken)).body.scope).toBe('openid');
      const wider = await t.api.post('/api/auth/login', { json: { loginId: user.loginId, password: user.password, clientId: client.clientId, scope: 'openid admin' } });
      expect(wider.status).toBe(400);
      expect(wider.body.error).toBe('invalid_scope');
    });
  });
});
