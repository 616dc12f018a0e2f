import { readFileSync } from 'node:fs';
import { ClientsService, TokenService, type ClientRecord } from '../src/index.js';
import { HostAppModule, InMemoryUserStore } from './examples/host-app.module.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const PREFIX = '/auth-service';

describe('a host application using AuthModule.forRootAsync(), AccessTokenGuard and @Roles', () => {
  let t: TestApp;
  let client: ClientRecord;

  beforeAll(async () => {
    t = await startTestApp({ module: HostAppModule, env: { ACCESS_TOKEN_REVOCATION_CHECK: 'true' } });
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

  it('is the code the README shows', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf('## Use it in your Nest app'));
    const sample = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
    expect(sample).toBe(readFileSync(new URL('./examples/host-app.module.ts', import.meta.url), 'utf8'));
  });
});
