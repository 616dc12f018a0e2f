// e2e: black-box
import { generateKeyPairSync } from 'node:crypto';
import { createRemoteJWKSet, decodeProtectedHeader, exportSPKI, importJWK, jwtVerify, SignJWT, type JWK } from 'jose';
import { CookieJar, parseSetCookies } from './support/cookie-jar.js';
import { createClient, createUser, login, refreshAtTokenEndpoint, type ClientFixture, type UserFixture } from './support/fixtures.js';
import { startTestApp, type TestApp } from './support/test-app.js';

/**
 * The token life cycle as a deployment shows it over HTTP (SPEC §2-3): login in body and cookie
 * mode, both refresh routes, Origin checks, logout, grace replay and reuse, /api/me, forged
 * access tokens, discovery documents. Needs nothing but HTTP and the admin key; the deployment's
 * defaults are assumed (REFRESH_REUSE_GRACE_SECONDS=10, ACCESS_TOKEN_TTL=3600).
 */
const ROUTES = ['/api/auth/refresh', '/api/jwt/refresh'] as const;
const b64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
const payload = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;

describe('Black-box: tokens, sessions and discovery', () => {
  let t: TestApp;
  let publicClient: ClientFixture;
  let confidential: ClientFixture;
  let user: UserFixture;
  let issuer: string;

  beforeAll(async () => {
    t = await startTestApp();
    publicClient = await createClient(t.api, { public: true });
    confidential = await createClient(t.api, { public: false, audience: 'bb-api' });
    user = await createUser(t.api, { roles: ['user', 'reader'] });
    issuer = (await t.api.get('/.well-known/oauth-authorization-server')).body.issuer;
  });
  afterAll(() => t.close());

  const bodyRefresh = (route: string, refreshToken: string) => t.api.post(route, { json: { refreshToken } });
  const cookieLogin = () =>
    t.api.post('/api/auth/login', { json: { loginId: user.loginId, password: user.password, clientId: publicClient.clientId, cookies: true } });

  describe('discovery', () => {
    it('publishes RFC 8414 metadata whose endpoints all live under the issuer', async () => {
      const response = await t.api.get('/.well-known/oauth-authorization-server');
      expect(response.status).toBe(200);
      expect(response.headers.get('cache-control')).toBe('public, max-age=300');
      expect(response.body).toMatchObject({
        issuer: expect.stringMatching(/^https?:\/\//),
        token_endpoint: `${issuer}/oauth/token`,
        revocation_endpoint: `${issuer}/oauth/revoke`,
        introspection_endpoint: `${issuer}/oauth/introspect`,
        jwks_uri: `${issuer}/.well-known/jwks.json`,
        grant_types_supported: ['refresh_token'],
      });
    });

    it('publishes public signing keys only, cacheable for 5 minutes', async () => {
      const response = await t.api.get('/.well-known/jwks.json');
      expect(response.status).toBe(200);
      expect(response.headers.get('cache-control')).toBe('public, max-age=300');
      expect(response.body.keys.length).toBeGreaterThanOrEqual(1);
      for (const key of response.body.keys as JWK[]) {
        expect(key).toMatchObject({ kid: expect.any(String), alg: expect.stringMatching(/^(RS256|ES256|EdDSA)$/), use: 'sig' });
        for (const secret of ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k']) expect(key).not.toHaveProperty(secret);
      }
    });

    it.each(['/health', '/health/live', '/health/ready'])('answers %s with 200', async (path) => {
      const response = await t.api.get(path);
      expect(response.status).toBe(200);
      expect(response.body).toEqual(expect.objectContaining({ status: expect.any(String) }));
    });

    it('serves the OpenAPI document, listing the product routes', async () => {
      const response = await t.api.get('/docs-json');
      expect(response.status).toBe(200);
      expect(response.body.openapi).toMatch(/^3\./);
      for (const path of ['/oauth/token', '/api/auth/refresh', '/api/auth/logout', '/api/webhooks']) expect(Object.keys(response.body.paths)).toContain(path);
    });

    it('answers an unknown route with a JSON 404', async () => {
      const response = await t.api.get('/no/such/route');
      expect(response.status).toBe(404);
      expect(response.body).toEqual({ error: expect.any(String), message: expect.any(String) });
    });
  });

  describe('login', () => {
    it('returns token, refreshToken, refreshTokenId and expiresIn with no-store, and no cookies in body mode', async () => {
      const response = await t.api.post('/api/auth/login', { json: { loginId: user.loginId, password: user.password, clientId: publicClient.clientId } });
      expect(response.status).toBe(200);
      expect(Object.keys(response.body).sort()).toEqual(['expiresIn', 'refreshToken', 'refreshTokenId', 'token']);
      expect(response.body.expiresIn).toBe(3600);
      expect(response.body.refreshToken).toMatch(/^[A-Za-z0-9_-]{43,}$/);
      expect(response.headers.get('cache-control')).toBe('no-store');
      expect(response.headers.getSetCookie()).toEqual([]);
    });

    it('issues an access token that verifies against the JWKS, with the default profile claims', async () => {
      const tokens = await login(t.api, user, publicClient);
      const { payload: claims, protectedHeader } = await jwtVerify(tokens.token, createRemoteJWKSet(new URL(`${t.baseUrl}/.well-known/jwks.json`)), {
        issuer,
        audience: 'lemonApp',
      });
      expect(protectedHeader).toMatchObject({ typ: 'JWT', kid: expect.any(String) });
      expect(claims).toMatchObject({
        sub: user.id,
        client_id: publicClient.clientId,
        sid: tokens.refreshTokenId,
        roles: ['user', 'reader'],
        scope: ['openid', 'profile', 'offline_access'],
        jti: expect.any(String),
      });
      expect(claims.exp! - claims.iat!).toBe(3600);
    });

    it.each([
      ['wrong password', (u: UserFixture) => ({ loginId: u.loginId, password: 'not the password' })],
      ['unknown loginId', () => ({ loginId: `nobody-${Date.now()}@example.com`, password: 'not the password' })],
    ])('answers a %s with 401 and the same body', async (_, credentials) => {
      const response = await t.api.post('/api/auth/login', { json: { ...credentials(user), clientId: publicClient.clientId } });
      expect(response.status).toBe(401);
      expect(response.body).toEqual({ error: 'unauthorized', message: expect.any(String) });
    });

    it('refuses an unknown client, and a confidential client without its secret', async () => {
      for (const clientId of ['00000000-0000-4000-8000-000000000000', confidential.clientId]) {
        const response = await t.api.post('/api/auth/login', { json: { loginId: user.loginId, password: user.password, clientId } });
        expect({ clientId, status: response.status }).toEqual({ clientId, status: 401 });
        expect(response.body.error).toEqual(expect.any(String));
      }
    });

    it("puts the client's audience in the access token", async () => {
      const tokens = await login(t.api, user, confidential);
      expect(payload(tokens.token)).toMatchObject({ aud: 'bb-api', client_id: confidential.clientId });
    });
  });

  describe('body mode refresh', () => {
    it.each(ROUTES)('%s rotates: a new pair, the same family, no cookies', async (route) => {
      const tokens = await login(t.api, user, publicClient);
      const response = await bodyRefresh(route, tokens.refreshToken);
      expect(response.status).toBe(200);
      expect(Object.keys(response.body).sort()).toEqual(['expiresIn', 'refreshToken', 'refreshTokenId', 'token']);
      expect(response.body.refreshTokenId).toBe(tokens.refreshTokenId);
      expect(response.body.refreshToken).not.toBe(tokens.refreshToken);
      expect(response.body.token).not.toBe(tokens.token);
      expect(response.headers.getSetCookie()).toEqual([]);
      expect(response.headers.get('cache-control')).toBe('no-store');
    });

    it.each(ROUTES)('%s answers an unknown token with 401 invalid_token and WWW-Authenticate', async (route) => {
      const response = await bodyRefresh(route, 'no-such-refresh-token');
      expect(response.status).toBe(401);
      expect(response.body).toEqual({ error: 'invalid_token', message: expect.any(String) });
      expect(response.headers.get('www-authenticate')).toContain('invalid_token');
    });

    it.each(ROUTES)('%s answers a missing token with 400 invalid_request', async (route) => {
      const response = await t.api.post(route, { json: {} });
      expect(response.status).toBe(400);
      expect(response.body).toEqual({ error: 'invalid_request', message: expect.any(String) });
    });

    it.each(ROUTES)("%s refuses a confidential client's refresh token with 401, without consuming it", async (route) => {
      const tokens = await login(t.api, user, confidential);
      const response = await bodyRefresh(route, tokens.refreshToken);
      expect(response.status).toBe(401);
      expect(response.body.error).toBe('invalid_token');
      expect((await refreshAtTokenEndpoint(t.api, confidential, tokens.refreshToken)).status).toBe(200);
    });

    it('chains ten rotations, alternating the two routes, each token used once', async () => {
      let { refreshToken } = await login(t.api, user, publicClient);
      const seen = new Set([refreshToken]);
      for (let i = 0; i < 10; i++) {
        const response = await bodyRefresh(ROUTES[i % 2]!, refreshToken);
        expect(response.status).toBe(200);
        refreshToken = response.body.refreshToken;
        expect(seen.has(refreshToken)).toBe(false);
        seen.add(refreshToken);
      }
    });

    it('reads roles afresh at every refresh', async () => {
      const promoted = await createUser(t.api, { roles: ['user'] });
      const tokens = await login(t.api, promoted, publicClient);
      expect((await t.api.patch(`/api/admin/users/${promoted.id}`, { admin: true, json: { roles: ['user', 'editor'] } })).status).toBe(200);
      const response = await bodyRefresh('/api/auth/refresh', tokens.refreshToken);
      expect(payload(response.body.token).roles).toEqual(['user', 'editor']);
    });
  });

  describe('cookie mode', () => {
    it('sets HttpOnly SameSite=Strict cookies: access_token on /, refresh_token on /api, and no refresh token in the body', async () => {
      const response = await cookieLogin();
      expect(response.status).toBe(200);
      expect(Object.keys(response.body).sort()).toEqual(['expiresIn', 'refreshTokenId', 'token']);
      const cookies = parseSetCookies(response.headers);
      expect(cookies.map((cookie) => cookie.name).sort()).toEqual(['access_token', 'refresh_token']);
      const access = cookies.find((cookie) => cookie.name === 'access_token')!;
      const refresh = cookies.find((cookie) => cookie.name === 'refresh_token')!;
      expect(access).toMatchObject({ value: response.body.token, attributes: expect.objectContaining({ path: '/', httponly: true, samesite: 'Strict', 'max-age': '3600' }) });
      expect(refresh.value).toMatch(/^[A-Za-z0-9_-]{43,}$/);
      expect(refresh.attributes).toEqual(expect.objectContaining({ path: '/api', httponly: true, samesite: 'Strict' }));
    });

    it.each(ROUTES)('%s rotates the refresh_token cookie, and the old cookie value is dead after the grace window rules', async (route) => {
      const jar = new CookieJar();
      jar.store((await cookieLogin()).headers);
      const first = jar.get('refresh_token')!;
      const response = await t.api.post(route, { headers: { cookie: jar.header(route)! } });
      expect(response.status).toBe(200);
      expect(Object.keys(response.body).sort()).toEqual(['expiresIn', 'refreshTokenId', 'token']);
      jar.store(response.headers);
      expect(jar.get('refresh_token')).not.toBe(first);
      expect(jar.get('access_token')).toBe(response.body.token);
    });

    it.each([
      ['a foreign Origin', { origin: 'https://evil.example' }],
      ['Origin null', { origin: 'null' }],
      ['a cross-site fetch', { 'sec-fetch-site': 'cross-site' }],
    ])('refuses a cookie refresh from %s with 403, leaving the token usable', async (_, headers) => {
      const jar = new CookieJar();
      jar.store((await cookieLogin()).headers);
      const refused = await t.api.post('/api/auth/refresh', { headers: { cookie: jar.header('/api/auth/refresh')!, ...headers } });
      expect(refused.status).toBe(403);
      expect(refused.body).toEqual({ error: 'forbidden', message: expect.any(String) });
      expect(refused.headers.getSetCookie()).toEqual([]);
      expect((await t.api.post('/api/auth/refresh', { headers: { cookie: jar.header('/api/auth/refresh')! } })).status).toBe(200);
    });

    it('accepts a cookie refresh from its own origin', async () => {
      const jar = new CookieJar();
      jar.store((await cookieLogin()).headers);
      const response = await t.api.post('/api/auth/refresh', { headers: { cookie: jar.header('/api/auth/refresh')!, origin: new URL(t.baseUrl).origin, 'sec-fetch-site': 'same-origin' } });
      expect(response.status).toBe(200);
    });

    it('refuses a cookie login from a foreign Origin with 403 and sets no cookie', async () => {
      const response = await t.api.post('/api/auth/login', {
        headers: { origin: 'https://evil.example' },
        json: { loginId: user.loginId, password: user.password, clientId: publicClient.clientId, cookies: true },
      });
      expect(response.status).toBe(403);
      expect(response.headers.getSetCookie()).toEqual([]);
    });

    it('prefers the cookie over a body token, leaving the body token unused', async () => {
      const jar = new CookieJar();
      jar.store((await cookieLogin()).headers);
      const other = await login(t.api, user, publicClient);
      const response = await t.api.post('/api/auth/refresh', { headers: { cookie: jar.header('/api/auth/refresh')! }, json: { refreshToken: other.refreshToken } });
      expect(response.status).toBe(200);
      expect(response.body.refreshToken).toBeUndefined();
      expect((await bodyRefresh('/api/auth/refresh', other.refreshToken)).status).toBe(200);
    });
  });

  describe('logout', () => {
    it('revokes the family in body mode and clears both cookies', async () => {
      const tokens = await login(t.api, user, publicClient);
      const other = await login(t.api, user, publicClient);
      const response = await t.api.post('/api/auth/logout', { json: { refreshToken: tokens.refreshToken } });
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ loggedOut: true });
      expect(parseSetCookies(response.headers).map((cookie) => [cookie.name, cookie.attributes['max-age']]).sort()).toEqual([
        ['access_token', '0'],
        ['refresh_token', '0'],
      ]);
      expect((await bodyRefresh('/api/auth/refresh', tokens.refreshToken)).status).toBe(401);
      expect((await bodyRefresh('/api/auth/refresh', other.refreshToken)).status).toBe(200);
    });

    it('revokes the family in cookie mode, clearing the cookies with the Path they were set with', async () => {
      const jar = new CookieJar();
      jar.store((await cookieLogin()).headers);
      const token = jar.get('refresh_token')!;
      const response = await t.api.post('/api/auth/logout', { headers: { cookie: jar.header('/api/auth/logout')! } });
      expect(response.status).toBe(200);
      const cleared = parseSetCookies(response.headers);
      expect(cleared.find((cookie) => cookie.name === 'refresh_token')!.attributes.path).toBe('/api');
      expect(cleared.find((cookie) => cookie.name === 'access_token')!.attributes.path).toBe('/');
      expect((await t.api.post('/api/auth/refresh', { headers: { cookie: `refresh_token=${token}` } })).status).toBe(401);
    });

    it('with global: true revokes every family of the user', async () => {
      const someone = await createUser(t.api);
      const sessions = [await login(t.api, someone, publicClient), await login(t.api, someone, publicClient), await login(t.api, someone, publicClient)];
      const response = await t.api.post('/api/auth/logout', { json: { refreshToken: sessions[0]!.refreshToken, global: true } });
      expect(response.status).toBe(200);
      for (const session of sessions) expect((await bodyRefresh('/api/auth/refresh', session.refreshToken)).status).toBe(401);
      expect((await t.api.get(`/api/admin/users/${someone.id}/sessions`, { admin: true })).body.items).toEqual([]);
    });

    it.each([
      ['an unknown token', { refreshToken: 'no-such-token' }],
      ['no token', {}],
    ])('answers 200 with cleared cookies for %s, changing nothing', async (_, json) => {
      const bystander = await login(t.api, user, publicClient);
      const response = await t.api.post('/api/auth/logout', { json });
      expect(response.status).toBe(200);
      expect(parseSetCookies(response.headers).map((cookie) => cookie.attributes['max-age'])).toEqual(['0', '0']);
      expect((await bodyRefresh('/api/auth/refresh', bystander.refreshToken)).status).toBe(200);
    });
  });

  describe('grace window (10 s) and reuse', () => {
    it('replays the same successor for the token just consumed, with a new access token', async () => {
      const tokens = await login(t.api, user, publicClient);
      const first = await bodyRefresh('/api/auth/refresh', tokens.refreshToken);
      const replay = await bodyRefresh('/api/auth/refresh', tokens.refreshToken);
      expect(replay.status).toBe(200);
      expect(replay.body.refreshToken).toBe(first.body.refreshToken);
      expect(replay.body.token).not.toBe(first.body.token);
      expect((await bodyRefresh('/api/auth/refresh', first.body.refreshToken)).status).toBe(200);
    });

    it('gives every one of eight simultaneous refreshes the same successor', async () => {
      const tokens = await login(t.api, user, publicClient);
      const answers = await Promise.all(Array.from({ length: 8 }, () => bodyRefresh('/api/auth/refresh', tokens.refreshToken)));
      expect(answers.map((answer) => answer.status)).toEqual(Array(8).fill(200));
      expect(new Set(answers.map((answer) => answer.body.refreshToken)).size).toBe(1);
      expect(new Set(answers.map((answer) => answer.body.token)).size).toBe(8);
    });

    it('treats the consumed token as reuse once its successor was used: the family dies', async () => {
      const tokens = await login(t.api, user, publicClient);
      const second = await bodyRefresh('/api/auth/refresh', tokens.refreshToken);
      const third = await bodyRefresh('/api/auth/refresh', second.body.refreshToken);
      expect(third.status).toBe(200);
      const reused = await bodyRefresh('/api/auth/refresh', tokens.refreshToken);
      expect(reused.status).toBe(401);
      expect(reused.body.error).toBe('invalid_token');
      expect((await bodyRefresh('/api/auth/refresh', third.body.refreshToken)).status).toBe(401);
    });

    it('treats an older token of the family as reuse at the token endpoint too (invalid_grant), revoking the family', async () => {
      const tokens = await login(t.api, user, confidential);
      const second = await refreshAtTokenEndpoint(t.api, confidential, tokens.refreshToken);
      const third = await refreshAtTokenEndpoint(t.api, confidential, second.body.refresh_token);
      const fourth = await refreshAtTokenEndpoint(t.api, confidential, third.body.refresh_token);
      expect(fourth.status).toBe(200);
      const reused = await refreshAtTokenEndpoint(t.api, confidential, second.body.refresh_token);
      expect(reused.status).toBe(400);
      expect(reused.body).toEqual({ error: 'invalid_grant', error_description: expect.any(String) });
      expect((await refreshAtTokenEndpoint(t.api, confidential, fourth.body.refresh_token)).status).toBe(400);
      const introspected = await t.api.post('/oauth/introspect', { admin: true, form: { token: fourth.body.refresh_token } });
      expect(introspected.body).toEqual({ active: false });
    });

    it('does not replay for another client, and does not consume the token for it', async () => {
      const other = await createClient(t.api, { public: true });
      const tokens = await login(t.api, user, publicClient);
      const foreign = await t.api.post('/oauth/token', { form: { grant_type: 'refresh_token', refresh_token: tokens.refreshToken, client_id: other.clientId } });
      expect(foreign.status).toBe(400);
      expect(foreign.body.error).toBe('invalid_grant');
      expect((await bodyRefresh('/api/auth/refresh', tokens.refreshToken)).status).toBe(200);
    });

    it('revokes the family when logout presents an older token of it', async () => {
      const tokens = await login(t.api, user, publicClient);
      const second = await bodyRefresh('/api/auth/refresh', tokens.refreshToken);
      const third = await bodyRefresh('/api/auth/refresh', second.body.refreshToken);
      expect(third.status).toBe(200);
      expect((await t.api.post('/api/auth/logout', { json: { refreshToken: tokens.refreshToken } })).status).toBe(200);
      expect((await bodyRefresh('/api/auth/refresh', third.body.refreshToken)).status).toBe(401);
    });
  });

  describe('/api/me and forged access tokens', () => {
    let realKid: string;
    let jwks: JWK[];

    beforeAll(async () => {
      jwks = (await t.api.get('/.well-known/jwks.json')).body.keys;
      realKid = decodeProtectedHeader((await login(t.api, user, publicClient)).token).kid!;
    });

    it('answers {sub, roles, scope, clientId} for a valid access token', async () => {
      const tokens = await login(t.api, user, publicClient);
      const response = await t.api.get('/api/me', { headers: { authorization: `Bearer ${tokens.token}` } });
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ sub: user.id, roles: ['user', 'reader'], scope: ['openid', 'profile', 'offline_access'], clientId: publicClient.clientId });
    });

    it('still accepts an access token after its family was revoked (it lives until it expires)', async () => {
      const tokens = await login(t.api, user, publicClient);
      await t.api.post('/api/auth/logout', { json: { refreshToken: tokens.refreshToken } });
      expect((await t.api.get('/api/me', { headers: { authorization: `Bearer ${tokens.token}` } })).status).toBe(200);
    });

    const forgeries: Array<[string, () => Promise<string>]> = [
      ['no token', async () => ''],
      ['alg none', async () => `${b64url({ alg: 'none', typ: 'JWT', kid: realKid })}.${b64url(claims())}.`],
      ['alg none without a kid', async () => `${b64url({ alg: 'none' })}.${b64url(claims())}.`],
      [
        'HS256 keyed with the public key',
        async () => {
          const jwk = jwks.find((key) => key.kid === realKid)!;
          const pem = await exportSPKI((await importJWK(jwk, jwk.alg, { extractable: true })) as CryptoKey);
          return new SignJWT(claims()).setProtectedHeader({ alg: 'HS256', kid: realKid }).sign(new TextEncoder().encode(pem));
        },
      ],
      ['a foreign RSA key under our kid', async () => new SignJWT(claims()).setProtectedHeader({ alg: 'RS256', kid: realKid }).sign(foreignKey())],
      ['a foreign RSA key and kid', async () => new SignJWT(claims()).setProtectedHeader({ alg: 'RS256', kid: 'attacker' }).sign(foreignKey())],
      [
        'a tampered payload (roles: admin)',
        async () => {
          const [header, , signature] = (await login(t.api, user, publicClient)).token.split('.');
          return `${header}.${b64url({ ...payload((await login(t.api, user, publicClient)).token), roles: ['admin'] })}.${signature}`;
        },
      ],
      ['a truncated signature', async () => (await login(t.api, user, publicClient)).token.slice(0, -10)],
      ['a JWT with a non-JSON header', async () => `${Buffer.from('not json').toString('base64url')}.${b64url(claims())}.c2ln`],
      ['four segments', async () => `${(await login(t.api, user, publicClient)).token}.extra`],
      ['the admin key', async () => t.adminKey],
    ];
    it('refuses a refresh token presented as an access token with 401', async () => {
      const tokens = await login(t.api, user, publicClient);
      const response = await t.api.get('/api/me', { headers: { authorization: `Bearer ${tokens.refreshToken}` } });
      expect(response.status).toBe(401);
      expect(response.body).toEqual({ error: 'invalid_token', message: expect.any(String) });
    });

    const claims = () => {
      const now = Math.floor(Date.now() / 1000);
      return { iss: issuer, sub: user.id, aud: 'lemonApp', iat: now, exp: now + 600, jti: '00000000-0000-4000-8000-000000000000', client_id: publicClient.clientId, scope: ['openid'], roles: ['admin'] };
    };
    let foreign: ReturnType<typeof generateKeyPairSync> | undefined;
    const foreignKey = () => (foreign ??= generateKeyPairSync('rsa', { modulusLength: 2048 })).privateKey;

    it.each(forgeries)('refuses %s with 401 invalid_token and WWW-Authenticate; introspection says inactive', async (_, make) => {
      const token = await make();
      const response = await t.api.get('/api/me', token ? { headers: { authorization: `Bearer ${token}` } } : {});
      expect(response.status).toBe(401);
      expect(response.body).toEqual({ error: expect.stringMatching(/^invalid_(token|request)$/), message: expect.any(String) });
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
      if (token) expect((await t.api.post('/oauth/introspect', { admin: true, form: { token } })).body).toEqual({ active: false });
    });
  });

  describe('sessions (admin API)', () => {
    it('lists a user’s live sessions and revokes one, then all', async () => {
      const someone = await createUser(t.api);
      const a = await login(t.api, someone, publicClient);
      const b = await login(t.api, someone, publicClient);
      const c = await login(t.api, someone, confidential);
      const listed = await t.api.get(`/api/admin/users/${someone.id}/sessions`, { admin: true });
      expect(listed.status).toBe(200);
      expect(listed.body.items.map((session: { id: string }) => session.id).sort()).toEqual([a.refreshTokenId, b.refreshTokenId, c.refreshTokenId].sort());
      expect(listed.text).not.toContain(a.refreshToken);
      expect((await t.api.delete(`/api/admin/users/${someone.id}/sessions/${a.refreshTokenId}`, { admin: true })).status).toBe(204);
      expect((await bodyRefresh('/api/auth/refresh', a.refreshToken)).status).toBe(401);
      expect((await bodyRefresh('/api/auth/refresh', b.refreshToken)).status).toBe(200);
      expect((await t.api.delete(`/api/admin/users/${someone.id}/sessions`, { admin: true })).status).toBe(204);
      expect((await refreshAtTokenEndpoint(t.api, confidential, c.refreshToken)).status).toBe(400);
      expect((await t.api.get(`/api/admin/users/${someone.id}/sessions`, { admin: true })).body.items).toEqual([]);
    });

    it.each([
      ['GET', '/api/admin/users'],
      ['GET', '/api/admin/clients'],
      ['POST', '/api/admin/keys/rotate'],
      ['GET', '/api/admin/users/00000000-0000-4000-8000-000000000000/sessions'],
    ])('refuses %s %s without the admin key (401) and with a wrong one (401)', async (method, path) => {
      for (const headers of [{}, { authorization: 'Bearer not-the-admin-key-not-the-admin-key' }] as Array<Record<string, string>>) {
        const response = await t.api.request(method, path, { headers });
        expect(response.status).toBe(401);
        expect(response.body).toEqual({ error: expect.any(String), message: expect.any(String) });
      }
    });
  });
});
