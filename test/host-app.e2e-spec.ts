import { readFileSync } from 'node:fs';
import { Database } from '../src/database/database.js';
import { OutboxRetention } from '../src/outbox/outbox.retention.js';
import { ClientsService, TokenService, type ClientRecord } from '../src/index.js';
import { HostAppModule, InMemoryUserStore } from './examples/host-app.module.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const PREFIX = '/auth-service';

describe.each(['fastify', 'express'] as const)('a host application on %s using AuthModule.forRootAsync(), AccessTokenGuard and @Roles', (adapter) => {
  let t: TestApp;
  let client: ClientRecord;

  beforeAll(async () => {
    t = await startTestApp({ module: HostAppModule, adapter, env: { ACCESS_TOKEN_REVOCATION_CHECK: 'true' } });
    client = await t.app.get(ClientsService).create({ name: 'reports', audience: 'reportsApp', public: true });
  });
  afterAll(() => t.close());

  async function login(loginId: string, password: string) {
    const response = await t.api.post(`${PREFIX}/api/auth/login`, { json: { loginId, password, clientId: client.clientId } });
    expect(response.status).toBe(200);
    return response.body as { token: string; refreshToken: string };
  }

  const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });

  it('logs in against the host user store under the route prefix', async () => {
    expect((await t.api.post(`${PREFIX}/api/auth/login`, { json: { loginId: 'bob@example.com', password: 'wrong', clientId: client.clientId } })).status).toBe(401);
    const bob = await login('bob@example.com', 'bob password');
    const me = await t.api.get(`${PREFIX}/api/me`, bearer(bob.token));
    expect(me.body).toMatchObject({ sub: 'u-bob', roles: ['user'], clientId: client.clientId });
    const refreshed = await t.api.post(`${PREFIX}/api/auth/refresh`, { json: { refreshToken: bob.refreshToken } });
    expect(refreshed.status).toBe(200);
    expect(refreshed.headers.get('cache-control')).toBe('no-store');
    expect((await t.api.post('/api/auth/login', { json: { loginId: 'bob@example.com', password: 'bob password', clientId: client.clientId } })).status).toBe(404);
  });

  it('logs in and refreshes in cookie mode, with the Origin check and no-store', async () => {
    const login = await t.api.post(`${PREFIX}/api/auth/login`, { json: { loginId: 'bob@example.com', password: 'bob password', clientId: client.clientId, cookies: true } });
    expect(login.status).toBe(200);
    expect(login.body).toEqual({ token: expect.any(String), refreshTokenId: expect.any(String), expiresIn: 3600 });
    const setCookies = login.headers.getSetCookie();
    expect(setCookies).toEqual([
      expect.stringMatching(/^access_token=[\w.-]+; Max-Age=3600; Path=\/; HttpOnly; SameSite=Strict$/),
      expect.stringMatching(/^refresh_token=[\w-]{43,}; Max-Age=\d+; Path=\/api; HttpOnly; SameSite=Strict$/),
    ]);
    const cookie = setCookies.map((line) => line.split(';')[0]).join('; ');

    const crossSite = await t.api.post(`${PREFIX}/api/auth/refresh`, { headers: { cookie, origin: 'https://evil.example' } });
    expect(crossSite.status).toBe(403);
    expect(crossSite.body).toEqual({ error: 'forbidden', message: expect.any(String) });
    expect(crossSite.headers.get('cache-control')).toBe('no-store');

    const refreshed = await t.api.post(`${PREFIX}/api/auth/refresh`, { headers: { cookie } });
    expect(refreshed.status).toBe(200);
    expect(refreshed.headers.get('cache-control')).toBe('no-store');
    expect(refreshed.body.refreshTokenId).toBe(login.body.refreshTokenId);
    const rotated = refreshed.headers.getSetCookie().find((line) => line.startsWith('refresh_token='))!;
    expect(rotated.split(';')[0]).not.toBe(cookie.split('; ')[1]);

    // An unknown refresh cookie is refused as invalid_token, with no-store.
    const invalid = await t.api.post(`${PREFIX}/api/auth/refresh`, { headers: { cookie: 'refresh_token=unknown-token' } });
    expect(invalid.status).toBe(401);
    expect(invalid.body).toEqual({ error: 'invalid_token', message: expect.any(String) });
    expect(invalid.headers.get('cache-control')).toBe('no-store');

    const logout = await t.api.post(`${PREFIX}/api/auth/logout`, { headers: { cookie: rotated.split(';')[0]! } });
    expect(logout.status).toBe(200);
    expect(logout.headers.getSetCookie()).toEqual([
      'access_token=; Max-Age=0; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; SameSite=Strict',
      'refresh_token=; Max-Age=0; Path=/api; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; SameSite=Strict',
    ]);
  });

  it('answers 401 without a token, 403 without the role and 200 with it', async () => {
    expect((await t.api.get('/reports')).status).toBe(401);
    expect((await t.api.get('/reports', { headers: { authorization: 'Basic abc' } })).status).toBe(401);
    const bob = await login('bob@example.com', 'bob password');
    const alice = await login('alice@example.com', 'alice password');
    expect((await t.api.get('/reports', bearer(bob.token))).body).toEqual({ owner: 'u-bob', reports: [] });
    const forbidden = await t.api.get('/reports/audit', bearer(bob.token));
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.error).toBe('forbidden');
    const allowed = await t.api.get('/reports/audit', bearer(alice.token));
    expect(allowed.status).toBe(200);
    expect(allowed.body).toEqual({ auditor: 'u-alice' });
  });

  it('refuses a token for another audience, and one whose session was revoked (ACCESS_TOKEN_REVOCATION_CHECK)', async () => {
    const other = await t.app.get(ClientsService).create({ name: 'other', audience: 'otherApp', public: true });
    const user = await new InMemoryUserStore().findById('u-alice');
    const foreign = await t.app.get(TokenService).issue({ user: user!, client: other });
    expect((await t.api.get('/reports', bearer(foreign.accessToken))).status).toBe(401);

    const session = await login('alice@example.com', 'alice password');
    expect((await t.api.get('/reports', bearer(session.token))).status).toBe(200);
    expect((await t.api.post(`${PREFIX}/api/auth/logout`, { json: { refreshToken: session.refreshToken } })).status).toBe(200);
    const revoked = await t.api.get('/reports', bearer(session.token));
    expect(revoked.status).toBe(401);
    expect(revoked.body.error).toBe('invalid_token');
  });

  it('mounts the OAuth endpoints under the prefix with their RFC 6749 error shapes and no-store', async () => {
    const confidential = await t.app.get(ClientsService).create({ name: 'reports backend', audience: 'reportsApp', public: false });
    const basic = `Basic ${Buffer.from(`${confidential.clientId}:${confidential.clientSecret}`).toString('base64')}`;
    const form = (refreshToken: string) => ({ form: { grant_type: 'refresh_token', refresh_token: refreshToken }, headers: { authorization: basic } });
    const noStore = (response: { headers: Headers }) => {
      expect(response.headers.get('cache-control')).toBe('no-store');
      expect(response.headers.get('pragma')).toBe('no-cache');
    };

    const unknown = await t.api.post(`${PREFIX}/oauth/token`, { ...form('not-a-token'), headers: { ...form('x').headers, 'x-request-id': 'host-req-1' } });
    expect(unknown.status).toBe(400);
    expect(unknown.headers.get('x-request-id')).toBe('host-req-1');
    expect(unknown.body).toEqual({ error: 'invalid_grant', error_description: expect.any(String) });
    noStore(unknown);
    const malformed = await t.api.post(`${PREFIX}/oauth/token`, { raw: '{"grant_type": "refresh_', headers: { 'content-type': 'application/json', authorization: basic } });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error).toBe('invalid_request');
    // Fastify parses the body inside the matched route, whose config names the OAuth shape;
    // Express parses it in middleware before any route matches (README, "Express").
    if (adapter === 'fastify') {
      expect(malformed.body).toEqual({ error: 'invalid_request', error_description: expect.any(String) });
      noStore(malformed);
    }
    // Bodies are capped at 16 KiB on both adapters (SPEC §5).
    for (const body of [{ raw: JSON.stringify({ loginId: 'x'.repeat(20_000) }), headers: { 'content-type': 'application/json' } }, { raw: `refresh_token=${'x'.repeat(20_000)}`, headers: { 'content-type': 'application/x-www-form-urlencoded' } }]) {
      const tooLarge = await t.api.post(`${PREFIX}/api/auth/login`, body);
      expect(tooLarge.status).toBe(413);
      expect(tooLarge.body.error).toBe('payload_too_large');
    }
    const wrongSecret = await t.api.post(`${PREFIX}/oauth/token`, { form: { grant_type: 'refresh_token', refresh_token: 'x' }, headers: { authorization: `Basic ${Buffer.from(`${confidential.clientId}:wrong`).toString('base64')}` } });
    expect(wrongSecret.status).toBe(401);
    expect(wrongSecret.body).toEqual({ error: 'invalid_client', error_description: expect.any(String) });
    expect(wrongSecret.headers.get('www-authenticate')).toMatch(/^Basic/);
    noStore(wrongSecret);

    const login = await t.api.post(`${PREFIX}/api/auth/login`, { json: { loginId: 'bob@example.com', password: 'bob password', clientId: confidential.clientId, clientSecret: confidential.clientSecret } });
    expect(login.status).toBe(200);
    const refreshed = await t.api.post(`${PREFIX}/oauth/token`, form(login.body.refreshToken));
    expect(refreshed.status).toBe(200);
    expect(refreshed.body).toMatchObject({ token_type: 'bearer', refresh_token: expect.any(String) });
    noStore(refreshed);

    const introspected = await t.api.post(`${PREFIX}/oauth/introspect`, { form: { token: refreshed.body.refresh_token }, headers: { authorization: basic } });
    expect(introspected.status).toBe(200);
    expect(introspected.body).toMatchObject({ active: true, sub: 'u-bob', client_id: confidential.clientId, iss: t.issuer });
    noStore(introspected);
    const unauthenticated = await t.api.post(`${PREFIX}/oauth/introspect`, { form: { token: refreshed.body.refresh_token } });
    expect(unauthenticated.status).toBe(401);
    expect(unauthenticated.body).toEqual({ error: 'invalid_client', error_description: expect.any(String) });

    const revoked = await t.api.post(`${PREFIX}/oauth/revoke`, { form: { token: refreshed.body.refresh_token }, headers: { authorization: basic } });
    expect(revoked.status).toBe(200);
    noStore(revoked);
    expect((await t.api.post(`${PREFIX}/oauth/introspect`, { form: { token: refreshed.body.refresh_token }, headers: { authorization: basic } })).body).toEqual({ active: false });
    const afterRevoke = await t.api.post(`${PREFIX}/oauth/token`, form(refreshed.body.refresh_token));
    expect(afterRevoke.status).toBe(400);
    expect(afterRevoke.body.error).toBe('invalid_grant');

    const metadata = await t.api.get(`${PREFIX}/.well-known/oauth-authorization-server`);
    expect(metadata.body).toMatchObject({
      issuer: t.issuer,
      token_endpoint: `${t.issuer}${PREFIX}/oauth/token`,
      revocation_endpoint: `${t.issuer}${PREFIX}/oauth/revoke`,
      introspection_endpoint: `${t.issuer}${PREFIX}/oauth/introspect`,
      jwks_uri: `${t.issuer}${PREFIX}/.well-known/jwks.json`,
    });

    // Only under the prefix.
    for (const path of ['/oauth/token', '/oauth/revoke', '/oauth/introspect']) expect((await t.api.post(path, form('x'))).status).toBe(404);
  });

  it('without WebhookModule, keeps no outbox event that retention could never purge', async () => {
    const { refreshToken } = await login('alice@example.com', 'alice password');
    expect((await t.api.post(`${PREFIX}/api/auth/refresh`, { json: { refreshToken } })).status).toBe(200);
    const db = t.app.get(Database);
    const events = await db.query<{ type: string; processed_at: unknown }>('SELECT type, processed_at FROM outbox_events');
    expect(events.map((event) => event.type)).toEqual(expect.arrayContaining(['token.issued', 'token.refreshed']));
    // No consumer takes events over in this host, so each is stored as processed ...
    expect(events.filter((event) => event.processed_at === null)).toEqual([]);
    // ... and a purge with nothing retained removes them all.
    await db.transaction((tx) => tx.execute('UPDATE outbox_events SET processed_at = 0'));
    await t.app.get(OutboxRetention).purge();
    expect(await db.query('SELECT id FROM outbox_events')).toEqual([]);
  });

  it('is the code the README shows', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf('## Use it in your Nest app'));
    const sample = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
    expect(sample).toBe(readFileSync(new URL('./examples/host-app.module.ts', import.meta.url), 'utf8'));
  });
});
