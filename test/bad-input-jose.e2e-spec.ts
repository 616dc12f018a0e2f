import { sign } from 'node:crypto';
import { MAX_CACHED_VERIFICATION_KEYS, SigningKeyService } from '../src/auth/keys/signing-key.service.js';
import type { ApiResponse } from './support/api-client.js';
import { createClient, createUser, login, type ClientFixture, type LoginResult, type UserFixture } from './support/fixtures.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/**
 * JOSE header fields of every JSON type, on every route that accepts one of our access
 * tokens. Each token is signed with the server's own current key, so the header field is
 * the only thing wrong with it: a server that looked the field up without checking its type
 * (a `kid` array that finds the key, a `typ` number nobody checks) would answer 200.
 */
describe('Bad input: JOSE header fields of every JSON type', () => {
  let t: TestApp;
  let client: ClientFixture;
  let user: UserFixture;
  let session: LoginResult;

  beforeAll(async () => {
    t = await startTestApp();
    client = await createClient(t.api, { public: true });
    user = await createUser(t.api, { roles: ['admin'] });
    session = await login(t.api, user, client);
  });
  afterAll(() => t.close());

  /** A compact JWS with this header over the claims of `session`'s access token, signed with the server's key. */
  function signedWithHeader(header: Record<string, unknown>): string {
    const key = t.app.get(SigningKeyService).signingKey();
    const input = `${b64url(header)}.${session.token.split('.')[1]}`;
    return `${input}.${sign('sha256', Buffer.from(input), key.keyObject).toString('base64url')}`;
  }

  type Route = { name: string; send: (token: string) => Promise<ApiResponse> };
  const routes = (): Route[] => [
    { name: 'GET /api/me (Bearer)', send: (token) => t.api.get('/api/me', { headers: { authorization: `Bearer ${token}` } }) },
    { name: 'POST /api/auth/refresh (body)', send: (token) => t.api.post('/api/auth/refresh', { json: { refreshToken: session.refreshToken, token } }) },
    { name: 'POST /api/jwt/refresh (body)', send: (token) => t.api.post('/api/jwt/refresh', { json: { refreshToken: session.refreshToken, token } }) },
    {
      name: 'POST /api/auth/refresh (cookies)',
      send: (token) => t.api.post('/api/auth/refresh', { headers: { cookie: `refresh_token=${session.refreshToken}; access_token=${token}` } }),
    },
    { name: 'POST /oauth/introspect', send: (token) => t.api.post('/oauth/introspect', { admin: true, form: { token } }) },
  ];

  it('accepts the well-formed header on every route (the control: the signing here is right)', async () => {
    const { kid } = t.app.get(SigningKeyService).signingKey();
    const token = signedWithHeader({ alg: 'RS256', kid, typ: 'JWT' });
    expect((await t.api.get('/api/me', { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    expect((await t.api.post('/oauth/introspect', { admin: true, form: { token } })).body).toMatchObject({ active: true });
  });

  it('refuses alg, kid, typ and crit of every JSON type, too long or wrong, with 401 ({active:false} at introspection)', async () => {
    const { kid } = t.app.get(SigningKeyService).signingKey();
    const valid: Record<string, unknown> = { alg: 'RS256', kid, typ: 'JWT' };
    const right: Record<string, string> = { alg: 'RS256', kid, typ: 'JWT', crit: 'exp' };
    const wrong: Record<string, string> = { alg: 'HS256', kid: 'no-such-kid', typ: 'evil+jwt', crit: 'exp' };
    const variants = (field: string): Array<[string, unknown]> => [
      ['a wrong string', wrong[field]],
      ['an empty string', ''],
      ['a 300-character string', 'x'.repeat(300)],
      ['a number', 42],
      ['a boolean', true],
      ['null', null],
      ['an array holding the right value', [right[field]]],
      ['an array of two strings', ['x', 'y']],
      ['an object', { a: 1 }],
    ];
    const fields = ['alg', 'kid', 'typ', 'crit'];
    const failures: string[] = [];
    let sent = 0;
    for (const field of fields) {
      for (const [kind, value] of variants(field)) {
        const token = signedWithHeader({ ...valid, [field]: value });
        for (const route of routes()) {
          const response = await route.send(token);
          sent++;
          const introspection = route.name.includes('introspect');
          const ok = introspection
            ? response.status === 200 && JSON.stringify(response.body) === '{"active":false}'
            : response.status === 401 && response.body?.error === 'invalid_token';
          if (!ok) failures.push(`${route.name}, ${field} = ${kind}: ${response.status} ${response.text.slice(0, 80)}`);
        }
      }
    }
    expect(failures).toEqual([]);
    // 4 fields × 9 values × 5 routes: every one of them sent and answered.
    expect(sent).toBe(180);
    // Nothing was consumed: the refresh token offered beside every forged access token still works.
    expect((await t.api.post('/api/auth/refresh', { json: { refreshToken: session.refreshToken } })).status).toBe(200);
  }, 60_000);
});

/**
 * The attack of issue 10: JWT headers whose `kid` is not a string, sent unauthenticated and
 * in bulk. Each used to find the key in the database and add an entry to the key cache
 * before the signature was checked (RSS grew without bound; objects gave a 500).
 */
describe('Bad input: 5,000 tokens with a kid that is not a short string', () => {
  let t: TestApp;
  let client: ClientFixture;
  let user: UserFixture;
  let session: LoginResult;

  beforeAll(async () => {
    t = await startTestApp();
    client = await createClient(t.api, { public: true });
    user = await createUser(t.api, { roles: ['admin'] });
    session = await login(t.api, user, client);
  });
  afterAll(() => t.close());

  it('answers every one with 401 ({active:false} at introspection) and keeps the key cache bounded', async () => {
    const keys = t.app.get(SigningKeyService);
    const { kid } = keys.signingKey();
    const claims = session.token.split('.')[1];
    const kids = (i: number): unknown[] => [[kid], [kid, `${i}`], { kid, i }, i, null, i % 2 === 0, `${kid}${'k'.repeat(256 + (i % 50))}`];
    const TOKENS = 5_000;
    const tokens = Array.from({ length: TOKENS }, (_, i) => {
      const variants = kids(i);
      return `${b64url({ alg: 'RS256', kid: variants[i % variants.length], typ: 'JWT' })}.${claims}.c2lnbmF0dXJl`;
    });
    const send = [
      (token: string) => t.api.get('/api/me', { headers: { authorization: `Bearer ${token}` } }),
      (token: string) => t.api.post('/api/auth/refresh', { json: { refreshToken: session.refreshToken, token } }),
      (token: string) => t.api.post('/oauth/introspect', { admin: true, form: { token } }),
    ];
    const rssBefore = process.memoryUsage().rss;
    const answers = new Map<string, number>();
    let next = 0;
    let maxCached = 0;
    const worker = async () => {
      while (next < tokens.length) {
        const i = next++;
        const route = i % send.length;
        const response = await send[route]!(tokens[i]!);
        const expected = route === 2 ? response.status === 200 && response.body?.active === false : response.status === 401;
        const key = expected ? 'expected' : `${route}:${response.status}`;
        answers.set(key, (answers.get(key) ?? 0) + 1);
        maxCached = Math.max(maxCached, keys.cachedVerificationKeyCount);
      }
    };
    await Promise.all(Array.from({ length: 16 }, worker));
    const rssAfter = process.memoryUsage().rss;
    // Information only (the process also runs the test): speed and memory are measured in bench/.
    console.info(`5,000 bad-kid tokens: RSS ${(rssBefore / 2 ** 20).toFixed(0)} MiB before, ${(rssAfter / 2 ** 20).toFixed(0)} MiB after`);

    expect(Object.fromEntries(answers)).toEqual({ expected: TOKENS });
    // Only keys that exist and are published ever enter the cache: here, the one current key at most.
    expect(maxCached).toBeLessThanOrEqual(1);
    expect(keys.cachedVerificationKeyCount).toBeLessThanOrEqual(MAX_CACHED_VERIFICATION_KEYS);
    // The server keeps serving, and the refresh token sent beside every bad token was not consumed.
    expect((await t.api.post('/api/auth/refresh', { json: { refreshToken: session.refreshToken } })).status).toBe(200);
  }, 120_000);

  it('holds at most MAX_CACHED_VERIFICATION_KEYS keys however many are published, and still verifies with each', async () => {
    const keys = t.app.get(SigningKeyService);
    const forged: string[] = [];
    const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const claims = session.token.split('.')[1]!;
    for (let i = 0; i < MAX_CACHED_VERIFICATION_KEYS + 4; i++) {
      const key = keys.signingKey();
      const input = `${encode({ alg: key.alg, kid: key.kid, typ: 'JWT' })}.${claims}`;
      forged.push(`${input}.${sign('sha256', Buffer.from(input), key.keyObject).toString('base64url')}`);
      expect((await t.api.post('/api/admin/keys/rotate', { admin: true })).status).toBe(200);
    }
    // Every one of these keys is still published (tokens live an hour), so each token verifies,
    // in two rounds: the second finds the first keys evicted and reads them again.
    for (let round = 0; round < 2; round++) {
      for (const token of forged) {
        expect((await t.api.get('/api/me', { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
        expect(keys.cachedVerificationKeyCount).toBeLessThanOrEqual(MAX_CACHED_VERIFICATION_KEYS);
      }
    }
    expect(keys.cachedVerificationKeyCount).toBe(MAX_CACHED_VERIFICATION_KEYS);
  }, 60_000);
});
