import { EventEmitter2 } from '@nestjs/event-emitter';
import Sqlite from 'better-sqlite3';
import { generateKeyPair, SignJWT } from 'jose';
import { SigningKeyService } from '../src/auth/keys/signing-key.service.js';
import { refreshTokenKey } from '../src/auth/refresh-token-key.js';
import { RefreshTokenRepository } from '../src/auth/refresh-token.repository.js';
import { Database } from '../src/database/database.js';
import type { RequestOptions } from './support/api-client.js';
import { CookieJar, parseSetCookies } from './support/cookie-jar.js';
import { createClient, createUser, login, type ClientFixture, type UserFixture } from './support/fixtures.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const DAY = 24 * 60 * 60;
const ROUTES = ['/api/auth/refresh', '/api/jwt/refresh'];

describe('cookie-or-body refresh (POST /api/auth/refresh, /api/jwt/refresh) and logout', () => {
  let t: TestApp;
  let client: ClientFixture;
  let user: UserFixture;

  beforeAll(async () => {
    t = await startTestApp({ env: { CORS_ORIGINS: 'https://app.example.com' } });
    client = await createClient(t.api, { public: true });
    user = await createUser(t.api, { roles: ['user'] });
  });
  afterAll(() => t.close());

  async function cookieLogin(jar: CookieJar, who = user) {
    const response = await t.api.post('/api/auth/login', {
      json: { loginId: who.loginId, password: who.password, clientId: client.clientId, cookies: true },
    });
    expect(response.status).toBe(200);
    return { response, cookies: jar.store(response.headers) };
  }

  function cookieRefresh(jar: CookieJar, path: string, headers: Record<string, string> = {}) {
    const cookie = jar.header(path);
    return t.api.post(path, { headers: { ...(cookie ? { cookie } : {}), ...headers } });
  }

  function expectAuthCookies(cookies: ReturnType<typeof parseSetCookies>, accessToken: string) {
    expect(cookies.map((cookie) => cookie.name).sort()).toEqual(['access_token', 'refresh_token']);
    const access = cookies.find((cookie) => cookie.name === 'access_token')!;
    const refresh = cookies.find((cookie) => cookie.name === 'refresh_token')!;
    expect(access.value).toBe(accessToken);
    // COOKIE_SECURE=false in the test app (plain http on 127.0.0.1); SameSite defaults to Strict.
    expect(access.raw).toBe(`access_token=${accessToken}; Max-Age=3600; Path=/; HttpOnly; SameSite=Strict`);
    expect(refresh.raw).toMatch(/^refresh_token=[A-Za-z0-9_-]{43,}; Max-Age=\d+; Path=\/api; HttpOnly; SameSite=Strict$/);
    const maxAge = Number(refresh.attributes['max-age']);
    // The remaining lifetime of a fresh token: the idle TTL (14 days), give or take a second.
    expect(maxAge).toBeGreaterThanOrEqual(14 * DAY - 2);
    expect(maxAge).toBeLessThanOrEqual(14 * DAY);
    return { access, refresh };
  }

  it('logs in with cookies, refreshes three times on each route, logs out, then refuses the last token', async () => {
    const jar = new CookieJar();
    const { response, cookies } = await cookieLogin(jar);
    expect(Object.keys(response.body).sort()).toEqual(['expiresIn', 'refreshTokenId', 'token']);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expectAuthCookies(cookies, response.body.token);
    const familyId = response.body.refreshTokenId;
    const seen = new Set([jar.get('refresh_token')]);
    for (const route of ROUTES) {
      for (let i = 0; i < 3; i++) {
        const refreshed = await cookieRefresh(jar, route);
        expect(refreshed.status).toBe(200);
        expect(refreshed.headers.get('cache-control')).toBe('no-store');
        expect(Object.keys(refreshed.body).sort()).toEqual(['expiresIn', 'refreshTokenId', 'token']);
        expect(refreshed.body).toMatchObject({ refreshTokenId: familyId, expiresIn: 3600 });
        expectAuthCookies(jar.store(refreshed.headers), refreshed.body.token);
        expect(seen.has(jar.get('refresh_token'))).toBe(false);
        seen.add(jar.get('refresh_token'));
      }
    }
    const lastRefreshToken = jar.get('refresh_token')!;

    const logout = await cookieRefresh(jar, '/api/auth/logout');
    expect(logout.status).toBe(200);
    const cleared = parseSetCookies(logout.headers);
    expect(cleared.map((cookie) => cookie.raw).sort()).toEqual([
      'access_token=; Max-Age=0; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; SameSite=Strict',
      'refresh_token=; Max-Age=0; Path=/api; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; SameSite=Strict',
    ]);
    jar.store(logout.headers);
    expect(jar.header('/api/auth/refresh')).toBeUndefined();

    const after = await t.api.post('/api/auth/refresh', { headers: { cookie: `refresh_token=${lastRefreshToken}` } });
    expect(after.status).toBe(401);
    expect(after.body).toEqual({ error: 'invalid_token', message: expect.any(String) });
    expect(after.headers.get('www-authenticate')).toContain('invalid_token');
  });

  it('rotates in body mode on both routes without setting cookies', async () => {
    let { token, refreshToken, refreshTokenId } = await login(t.api, user, client);
    for (const route of [...ROUTES, ...ROUTES]) {
      const response = await t.api.post(route, { json: { refreshToken, token } });
      expect(response.status).toBe(200);
      expect(Object.keys(response.body).sort()).toEqual(['expiresIn', 'refreshToken', 'refreshTokenId', 'token']);
      expect(response.body.refreshTokenId).toBe(refreshTokenId);
      expect(response.body.refreshToken).not.toBe(refreshToken);
      expect(response.headers.getSetCookie()).toEqual([]);
      expect(response.headers.get('cache-control')).toBe('no-store');
      ({ token, refreshToken } = response.body);
    }
    const reused = await t.api.post('/api/auth/refresh', { json: { refreshToken: (await login(t.api, user, client)).refreshToken.slice(0, 20) } });
    expect(reused.status).toBe(401);
  });

  it('prefers the cookie when both a cookie and a body are sent, leaving the body token unused', async () => {
    const fromCookie = await login(t.api, user, client);
    const fromBody = await login(t.api, user, client);
    const response = await t.api.post('/api/auth/refresh', {
      headers: { cookie: `refresh_token=${fromCookie.refreshToken}` },
      json: { refreshToken: fromBody.refreshToken },
    });
    expect(response.status).toBe(200);
    expect(response.body.refreshTokenId).toBe(fromCookie.refreshTokenId);
    expect(response.body.refreshToken).toBeUndefined();
    expect(parseSetCookies(response.headers).map((cookie) => cookie.name).sort()).toEqual(['access_token', 'refresh_token']);
    const bodyStillLive = await t.api.post('/api/auth/refresh', { json: { refreshToken: fromBody.refreshToken } });
    expect(bodyStillLive.status).toBe(200);
    expect(bodyStillLive.body.refreshTokenId).toBe(fromBody.refreshTokenId);
  });

  it("accepts the seed's request: both cookies, no body, no content type", async () => {
    const { token, refreshToken } = await login(t.api, user, client);
    const response = await fetch(`${t.baseUrl}/api/jwt/refresh`, {
      method: 'POST',
      headers: { cookie: `refresh_token=${refreshToken}; access_token=${token}` },
    });
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(Object.keys(body).sort()).toEqual(['expiresIn', 'refreshTokenId', 'token']);
    expect(parseSetCookies(response.headers).map((cookie) => cookie.name).sort()).toEqual(['access_token', 'refresh_token']);
  });

  it("refuses another user's access token without consuming the refresh token", async () => {
    const other = await createUser(t.api);
    const mine = await login(t.api, user, client);
    const theirs = await login(t.api, other, client);
    for (const request of [
      { headers: { cookie: `refresh_token=${mine.refreshToken}; access_token=${theirs.token}` } },
      { json: { refreshToken: mine.refreshToken, token: theirs.token } },
    ]) {
      const response = await t.api.post('/api/auth/refresh', request);
      expect(response.status).toBe(401);
      expect(response.body.error).toBe('invalid_token');
    }
    const mineStillLive = await t.api.post('/api/auth/refresh', { json: { refreshToken: mine.refreshToken, token: mine.token } });
    expect(mineStillLive.status).toBe(200);
  });

  it("refuses the same user's access token from another session (sid of another family)", async () => {
    const first = await login(t.api, user, client);
    const second = await login(t.api, user, client);
    const response = await t.api.post('/api/auth/refresh', { json: { refreshToken: first.refreshToken, token: second.token } });
    expect(response.status).toBe(401);
  });

  describe('presented access tokens', () => {
    async function signWith(key: CryptoKey, header: Record<string, unknown>, claims: Record<string, unknown>) {
      return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', ...header } as never).sign(key);
    }

    async function claimsFor(session: { token: string }) {
      return JSON.parse(Buffer.from(session.token.split('.')[1]!, 'base64url').toString());
    }

    it('accepts an expired access token of the same user and family', async () => {
      const session = await login(t.api, user, client);
      const key = t.app.get(SigningKeyService).signingKey();
      const now = Math.floor(Date.now() / 1000);
      const expired = await signWith(key.privateKey, { alg: key.alg, kid: key.kid, typ: 'JWT' }, { ...(await claimsFor(session)), iat: now - 7200, exp: now - 3600 });
      const response = await t.api.post('/api/auth/refresh', { json: { refreshToken: session.refreshToken, token: expired } });
      expect(response.status).toBe(200);
    });

    it("refuses an 'alg: none' token and one signed by a foreign key with our kid, consuming nothing", async () => {
      const session = await login(t.api, user, client);
      const claims = await claimsFor(session);
      const { kid } = t.app.get(SigningKeyService).signingKey();
      const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
      const none = `${encode({ alg: 'none', kid, typ: 'JWT' })}.${encode(claims)}.`;
      const foreign = (await generateKeyPair('RS256')).privateKey;
      const forged = await signWith(foreign, { kid, typ: 'JWT' }, claims);
      for (const token of [none, forged, 'not-a-jwt']) {
        for (const request of [{ json: { refreshToken: session.refreshToken, token } }, { headers: { cookie: `refresh_token=${session.refreshToken}; access_token=${token}` } }]) {
          const response = await t.api.post('/api/auth/refresh', request);
          expect(response.status).toBe(401);
          expect(response.body.error).toBe('invalid_token');
          expect(response.headers.get('www-authenticate')).toContain('Bearer');
        }
      }
      expect((await t.api.post('/api/auth/refresh', { json: { refreshToken: session.refreshToken } })).status).toBe(200);
    });
  });

  describe('origin check on cookie-authenticated requests', () => {
    const refused: Array<[string, Record<string, string>]> = [
      ['a foreign Origin', { origin: 'https://evil.example' }],
      ['Origin: null', { origin: 'null' }],
      ['Sec-Fetch-Site: cross-site without Origin', { 'sec-fetch-site': 'cross-site' }],
    ];

    it.each(refused)('refuses %s with 403 on refresh, logout and cookie login, consuming nothing', async (_, headers) => {
      const session = await login(t.api, user, client);
      const cookie = `refresh_token=${session.refreshToken}`;
      for (const path of ['/api/auth/refresh', '/api/jwt/refresh', '/api/auth/logout']) {
        const response = await t.api.post(path, { headers: { cookie, ...headers } });
        expect(response.status).toBe(403);
        expect(response.body.error).toBe('forbidden');
        expect(response.headers.getSetCookie()).toEqual([]);
      }
      const cookieLoginResponse = await t.api.post('/api/auth/login', {
        headers,
        json: { loginId: user.loginId, password: user.password, clientId: client.clientId, cookies: true },
      });
      expect(cookieLoginResponse.status).toBe(403);
      expect((await t.api.post('/api/auth/refresh', { headers: { cookie } })).status).toBe(200);
    });

    it('accepts the issuer origin, a CORS_ORIGINS origin with CORS headers, and same-site fetches', async () => {
      const allowed: Record<string, string>[] = [
        { origin: new URL(t.issuer).origin },
        { origin: 'https://app.example.com' },
        { origin: t.baseUrl },
        { 'sec-fetch-site': 'same-origin' },
      ];
      for (const headers of allowed) {
        const session = await login(t.api, user, client);
        const response = await t.api.post('/api/auth/refresh', { headers: { cookie: `refresh_token=${session.refreshToken}`, ...headers } });
        expect(response.status).toBe(200);
        if (headers.origin === 'https://app.example.com') {
          expect(response.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
          expect(response.headers.get('access-control-allow-credentials')).toBe('true');
        }
      }
      const preflight = await fetch(`${t.baseUrl}/api/auth/refresh`, {
        method: 'OPTIONS',
        headers: { origin: 'https://app.example.com', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
      });
      expect(preflight.status).toBeLessThan(300);
      expect(preflight.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
      expect(preflight.headers.get('access-control-allow-credentials')).toBe('true');
      const foreignPreflight = await fetch(`${t.baseUrl}/api/auth/refresh`, {
        method: 'OPTIONS',
        headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
      });
      expect(foreignPreflight.headers.get('access-control-allow-origin')).toBeNull();
    });
  });

  it("refuses a confidential client's refresh token (401) and its cookie-mode login (400)", async () => {
    const confidential = await createClient(t.api, { public: false });
    const session = await login(t.api, user, confidential);
    for (const request of [{ json: { refreshToken: session.refreshToken } }, { headers: { cookie: `refresh_token=${session.refreshToken}` } }]) {
      const response = await t.api.post('/api/auth/refresh', request);
      expect(response.status).toBe(401);
      expect(response.body.error).toBe('invalid_token');
    }
    const cookieMode = await t.api.post('/api/auth/login', {
      json: { loginId: user.loginId, password: user.password, clientId: confidential.clientId, clientSecret: confidential.clientSecret, cookies: true },
    });
    expect(cookieMode.status).toBe(400);
    expect(cookieMode.headers.getSetCookie()).toEqual([]);
  });

  it('answers 400 when no token is given or the body is malformed', async () => {
    const cases: RequestOptions[] = [
      {},
      { json: {} },
      { json: { token: 'abc' } },
      { json: { refreshToken: 123 } },
      { json: { refreshToken: 'x', unexpected: true } },
      { json: ['refreshToken'] },
      { raw: '{"refreshToken": ', headers: { 'content-type': 'application/json' } },
      { headers: { cookie: 'access_token=abc' } },
    ];
    for (const request of cases) {
      const response = await t.api.post('/api/auth/refresh', request);
      expect(response.status).toBe(400);
      expect(response.body.error).toBe('invalid_request');
    }
  });

  describe('logout', () => {
    it('revokes one family in body mode, emitting token.revoked, and all of them with global', async () => {
      const events: Array<{ type: string; data: { familyId: string; reason: string } }> = [];
      const emitter = t.app.get(EventEmitter2);
      const listener = (event: { type: string; data: { familyId: string; reason: string } }) => events.push(event);
      emitter.on('token.revoked', listener);
      try {
        const logoutUser = await createUser(t.api);
        const a = await login(t.api, logoutUser, client);
        const b = await login(t.api, logoutUser, client);
        const c = await login(t.api, logoutUser, client);
        const single = await t.api.post('/api/auth/logout', { json: { refreshToken: a.refreshToken } });
        expect(single.status).toBe(200);
        expect(parseSetCookies(single.headers).map((cookie) => cookie.attributes['max-age'])).toEqual(['0', '0']);
        expect((await t.api.post('/api/auth/refresh', { json: { refreshToken: a.refreshToken } })).status).toBe(401);
        expect((await t.api.post('/api/auth/refresh', { json: { refreshToken: b.refreshToken } })).status).toBe(200);

        const global = await t.api.post('/api/auth/logout', { json: { refreshToken: c.refreshToken, global: true } });
        expect(global.status).toBe(200);
        const live = await t.app.get(RefreshTokenRepository).liveFamilies(t.app.get(Database), { userId: logoutUser.id }, Date.now());
        expect(live).toEqual([]);
        // The sentinel: one more logout, of another user's family. Once its event is in, every
        // event of the logouts above (and any extra one) would be too.
        const sentinelUser = await createUser(t.api);
        const sentinel = await login(t.api, sentinelUser, client);
        expect((await t.api.post('/api/auth/logout', { json: { refreshToken: sentinel.refreshToken } })).status).toBe(200);
        for (let i = 0; i < 200 && !events.some((event) => event.data.familyId === sentinel.refreshTokenId); i++) {
          await new Promise((resolve) => setTimeout(resolve, 25));
        }
        expect(events.map((event) => [event.data.familyId, event.data.reason]).sort()).toEqual(
          [
            [a.refreshTokenId, 'logout'],
            [b.refreshTokenId, 'logout_global'],
            [c.refreshTokenId, 'logout_global'],
            [sentinel.refreshTokenId, 'logout'],
          ].sort(),
        );
      } finally {
        emitter.off('token.revoked', listener);
      }
    });

    it('answers 200 with cleared cookies for an unknown token, a dead token and no token', async () => {
      const session = await login(t.api, user, client);
      await t.api.post('/api/auth/logout', { json: { refreshToken: session.refreshToken } });
      for (const request of [{ json: { refreshToken: 'unknown' } }, { json: { refreshToken: session.refreshToken } }, {}, { headers: { cookie: 'refresh_token=unknown' } }]) {
        const response = await t.api.post('/api/auth/logout', request);
        expect(response.status).toBe(200);
        expect(parseSetCookies(response.headers).map((cookie) => `${cookie.name}=${cookie.value};${cookie.attributes['max-age']}`).sort()).toEqual(['access_token=;0', 'refresh_token=;0']);
      }
    });
  });

  it('answers GET /api/me with the claims of a valid access token, and 401 without one', async () => {
    const session = await login(t.api, user, client);
    const me = await t.api.get('/api/me', { headers: { authorization: `Bearer ${session.token}` } });
    expect(me.status).toBe(200);
    expect(me.body).toEqual({ sub: user.id, roles: ['user'], scope: ['openid', 'profile', 'offline_access'], clientId: client.clientId });
    expect((await t.api.get('/api/me')).status).toBe(401);
    expect((await t.api.get('/api/me', { headers: { authorization: 'Bearer abc.def.ghi' } })).status).toBe(401);
  });
});

/** The events committed for a user's families, from the outbox (written in the same transaction as the change). */
async function committedEvents(t: TestApp, userId: string): Promise<Array<[type: string, familyId: string, reason: string | undefined]>> {
  const rows = await t.app.get(Database).query<{ type: string; payload: string }>('SELECT type, payload FROM outbox_events ORDER BY created_at, id');
  return rows
    .map((row) => ({ type: row.type, data: JSON.parse(row.payload) as { userId: string; familyId: string; reason?: string } }))
    .filter((event) => event.data.userId === userId && event.type !== 'token.issued' && event.type !== 'token.refreshed')
    .map((event) => [event.type, event.data.familyId, event.data.reason] as [string, string, string | undefined])
    .sort();
}

function expectClearedCookies(response: { status: number; headers: Headers }) {
  expect(response.status).toBe(200);
  expect(parseSetCookies(response.headers).map((cookie) => `${cookie.name}=${cookie.value};${cookie.attributes['max-age']}`).sort()).toEqual([
    'access_token=;0',
    'refresh_token=;0',
  ]);
}

describe('logout acts only on a token that could still refresh', () => {
  const liveFamilyIds = async (t: TestApp, userId: string) =>
    (await t.app.get(RefreshTokenRepository).liveFamilies(t.app.get(Database), { userId }, Date.now())).map((family) => family.id).sort();

  describe('with no grace window', () => {
    let t: TestApp;
    let publicClient: ClientFixture;
    let confidential: ClientFixture;

    beforeAll(async () => {
      t = await startTestApp({ env: { REFRESH_REUSE_GRACE_SECONDS: '0' } });
      publicClient = await createClient(t.api, { public: true });
      confidential = await createClient(t.api, { public: false });
    });
    afterAll(() => t.close());

    it('handles a consumed token as reuse (family revoked, token.reuse_detected) and ignores global', async () => {
      const victim = await createUser(t.api);
      const stolen = await login(t.api, victim, publicClient);
      const other = await login(t.api, victim, publicClient);
      const server = await login(t.api, victim, confidential);
      const rotated = await t.api.post('/api/auth/refresh', { json: { refreshToken: stolen.refreshToken } });
      expect(rotated.status).toBe(200);

      expectClearedCookies(await t.api.post('/api/auth/logout', { json: { refreshToken: stolen.refreshToken, global: true } }));

      // Reuse: the stolen token's family is revoked, the successor with it, and the event says why.
      expect((await t.api.post('/api/auth/refresh', { json: { refreshToken: rotated.body.refreshToken } })).status).toBe(401);
      expect(await committedEvents(t, victim.id)).toEqual(
        [
          ['token.reuse_detected', stolen.refreshTokenId, 'reuse_after_grace'],
          ['token.revoked', stolen.refreshTokenId, 'reuse_detected'],
        ].sort(),
      );
      // `global` was ignored: the user's other sessions, the confidential client's included, live on.
      expect(await liveFamilyIds(t, victim.id)).toEqual([other.refreshTokenId, server.refreshTokenId].sort());
      expect((await t.api.post('/api/auth/refresh', { json: { refreshToken: other.refreshToken } })).status).toBe(200);
    });

    it('changes nothing for an expired token, even with global', async () => {
      const user = await createUser(t.api);
      const expiring = await login(t.api, user, publicClient);
      const other = await login(t.api, user, publicClient);
      // Past its idle lifetime (the family itself lives on): moved into the past in the database.
      await t.app.get(Database).transaction((tx) =>
        tx.execute('UPDATE refresh_tokens SET expires_at = ? WHERE family_id = ?', [Date.now() - 1000, expiring.refreshTokenId]),
      );
      expect((await t.api.post('/api/auth/refresh', { json: { refreshToken: expiring.refreshToken } })).status).toBe(401);

      for (const request of [{ json: { refreshToken: expiring.refreshToken, global: true } }, { headers: { cookie: `refresh_token=${expiring.refreshToken}` } }]) {
        expectClearedCookies(await t.api.post('/api/auth/logout', request));
      }
      expect(await liveFamilyIds(t, user.id)).toEqual([expiring.refreshTokenId, other.refreshTokenId].sort());
      expect(await committedEvents(t, user.id)).toEqual([]);
      expect((await t.api.post('/api/auth/refresh', { json: { refreshToken: other.refreshToken } })).status).toBe(200);
    });
  });

  describe('with a grace window', () => {
    let t: TestApp;
    let publicClient: ClientFixture;

    beforeAll(async () => {
      // Long enough that the logout below is inside it on a slow machine.
      t = await startTestApp({ env: { REFRESH_REUSE_GRACE_SECONDS: '120' } });
      publicClient = await createClient(t.api, { public: true });
    });
    afterAll(() => t.close());

    it('treats a token consumed inside its grace window as live: logout (and global logout) work, without reuse', async () => {
      const user = await createUser(t.api);
      const first = await login(t.api, user, publicClient);
      const second = await login(t.api, user, publicClient);
      const rotated = await t.api.post('/api/auth/refresh', { json: { refreshToken: first.refreshToken } });
      expect(rotated.status).toBe(200);
      expectClearedCookies(await t.api.post('/api/auth/logout', { json: { refreshToken: first.refreshToken } }));
      expect(await liveFamilyIds(t, user.id)).toEqual([second.refreshTokenId]);
      expect(await committedEvents(t, user.id)).toEqual([['token.revoked', first.refreshTokenId, 'logout']]);

      const third = await login(t.api, user, publicClient);
      const rotatedSecond = await t.api.post('/api/auth/refresh', { json: { refreshToken: second.refreshToken } });
      expect(rotatedSecond.status).toBe(200);
      expectClearedCookies(await t.api.post('/api/auth/logout', { json: { refreshToken: second.refreshToken, global: true } }));
      expect(await liveFamilyIds(t, user.id)).toEqual([]);
      expect(await committedEvents(t, user.id)).toEqual(
        [
          ['token.revoked', first.refreshTokenId, 'logout'],
          ['token.revoked', second.refreshTokenId, 'logout_global'],
          ['token.revoked', third.refreshTokenId, 'logout_global'],
        ].sort(),
      );
    });
  });
});

describe('cookie attributes from COOKIE_* configuration', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({
      env: {
        COOKIE_SECURE: undefined,
        COOKIE_SAMESITE: 'Lax',
        COOKIE_DOMAIN: 'example.test',
        COOKIE_REFRESH_PATH: '/api/auth',
        COOKIE_BODY_TOKENS: 'true',
        REFRESH_TOKEN_TTL: String(2 * DAY),
        ACCESS_TOKEN_TTL: '600',
      },
    });
  });
  afterAll(() => t.close());

  it('sets Secure (the default), Domain, SameSite and the refresh Path, and adds refreshToken to the body', async () => {
    const client = await createClient(t.api, { public: true });
    const user = await createUser(t.api);
    const response = await t.api.post('/api/auth/login', {
      json: { loginId: user.loginId, password: user.password, clientId: client.clientId, cookies: true },
    });
    expect(response.status).toBe(200);
    expect(Object.keys(response.body).sort()).toEqual(['expiresIn', 'refreshToken', 'refreshTokenId', 'token']);
    const cookies = parseSetCookies(response.headers);
    const access = cookies.find((cookie) => cookie.name === 'access_token')!;
    const refresh = cookies.find((cookie) => cookie.name === 'refresh_token')!;
    expect(access.raw).toBe(`access_token=${response.body.token}; Max-Age=600; Domain=example.test; Path=/; HttpOnly; Secure; SameSite=Lax`);
    expect(refresh.value).toBe(response.body.refreshToken);
    // The family's absolute lifetime (2 days) ends before the idle one (14 days).
    const maxAge = Number(refresh.attributes['max-age']);
    expect(maxAge).toBeGreaterThanOrEqual(2 * DAY - 2);
    expect(maxAge).toBeLessThanOrEqual(2 * DAY);
    expect(refresh.raw).toBe(`refresh_token=${response.body.refreshToken}; Max-Age=${maxAge}; Domain=example.test; Path=/api/auth; HttpOnly; Secure; SameSite=Lax`);

    const logout = await t.api.post('/api/auth/logout', { headers: { cookie: `refresh_token=${response.body.refreshToken}` } });
    expect(parseSetCookies(logout.headers).map((cookie) => cookie.raw).sort()).toEqual([
      'access_token=; Max-Age=0; Domain=example.test; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; Secure; SameSite=Lax',
      'refresh_token=; Max-Age=0; Domain=example.test; Path=/api/auth; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; Secure; SameSite=Lax',
    ]);
  });
});

describe('a database failure during refresh', () => {
  let t: TestApp;
  const DISK_ERROR_TOKEN = 'a'.repeat(43);

  beforeAll(async () => {
    t = await startTestApp({
      env: { DATABASE_RETRY_AFTER_SECONDS: '7' },
      override: (builder) =>
        builder.overrideProvider(RefreshTokenRepository).useFactory({
          factory: (db: Database) => {
            const store = new RefreshTokenRepository(db);
            store.findByKey = async (key: string) => {
              // The error better-sqlite3 raises when the disk fails, and one that is simply a bug.
              if (key === refreshTokenKey(DISK_ERROR_TOKEN)) throw new Sqlite.SqliteError('disk I/O error at /var/lib/secret/path.db', 'SQLITE_IOERR');
              throw new Error('unexpected failure at /var/lib/secret/path.db');
            };
            return store;
          },
          inject: [Database],
        }),
    });
  });
  afterAll(() => t.close());

  it('answers 503 with Retry-After when the database cannot read or write, never a stack trace', async () => {
    for (const request of [{ json: { refreshToken: DISK_ERROR_TOKEN } }, { headers: { cookie: `refresh_token=${DISK_ERROR_TOKEN}` } }]) {
      const response = await t.api.post('/api/auth/refresh', request);
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe('7');
      expect(response.body).toEqual({ error: 'temporarily_unavailable', message: 'The database could not write; retry later' });
      expect(response.text).not.toMatch(/SQLITE|disk|\.ts|\bat\b|secret/);
      expect(response.headers.get('cache-control')).toBe('no-store');
    }
  });

  it('answers 500 with a generic message and a request id for an error that is not a database fault', async () => {
    for (const request of [{ json: { refreshToken: 'b'.repeat(43) } }, { headers: { cookie: `refresh_token=${'b'.repeat(43)}`, 'x-request-id': 'req-db-failure-1' } }]) {
      const response = await t.api.post('/api/auth/refresh', request);
      expect(response.status).toBe(500);
      expect(response.body).toEqual({ error: 'server_error', message: 'Internal server error', requestId: expect.any(String) });
      expect(response.text).not.toMatch(/SQLITE|disk|\.ts|\bat\b|secret/);
      expect(response.headers.get('cache-control')).toBe('no-store');
      if (request.headers) expect(response.body.requestId).toBe('req-db-failure-1');
    }
    const health = await t.api.get('/.well-known/jwks.json');
    expect(health.status).toBe(200);
  });
});
