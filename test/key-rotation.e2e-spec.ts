import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JSONWebKeySet } from 'jose';
import { createClient, createUser, login, refreshAtTokenEndpoint, type ClientFixture, type UserFixture } from './support/fixtures.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const TTL_SECONDS = 2;

describe('Signing key rotation (POST /api/admin/keys/rotate)', () => {
  let t: TestApp;
  let client: ClientFixture;
  let user: UserFixture;

  const jwks = async (app: TestApp = t): Promise<JSONWebKeySet> => (await app.api.get('/.well-known/jwks.json')).body;
  const kids = async (app?: TestApp) => (await jwks(app)).keys.map((key) => key.kid);

  beforeAll(async () => {
    t = await startTestApp({ env: { ACCESS_TOKEN_TTL: String(TTL_SECONDS) } });
    client = await createClient(t.api, { public: false });
    user = await createUser(t.api);
  });
  afterAll(() => t.close());

  it('needs the admin key', async () => {
    expect((await t.api.post('/api/admin/keys/rotate')).status).toBe(401);
  });

  it('keeps the old key published until its tokens expire, and signs new tokens with the new kid', async () => {
    const before = await login(t.api, user, client);
    const oldKid = decodeProtectedHeader(before.token).kid!;
    expect(await kids()).toEqual([oldKid]);

    const rotated = await t.api.post('/api/admin/keys/rotate', { admin: true });
    expect(rotated.status).toBe(200);
    const newKid = rotated.body.kid as string;
    expect(newKid).not.toBe(oldKid);

    // The token signed before the rotation still verifies through the published JWKS.
    const published = await jwks();
    expect(published.keys.map((key) => key.kid).sort()).toEqual([oldKid, newKid].sort());
    const { payload } = await jwtVerify(before.token, createLocalJWKSet(published), {
      issuer: t.issuer,
      audience: 'lemonApp',
      algorithms: ['RS256'],
      // At a moment of its lifetime: a slow machine must not turn this into an expiry test.
      currentDate: new Date(decodeIat(before.token) * 1000),
    });
    expect(payload.sub).toBe(user.id);

    const after = await refreshAtTokenEndpoint(t.api, client, before.refreshToken);
    expect(after.status).toBe(200);
    expect(decodeProtectedHeader(after.body.access_token).kid).toBe(newKid);
    await jwtVerify(after.body.access_token, createLocalJWKSet(published), { algorithms: ['RS256'], currentDate: new Date(decodeIat(after.body.access_token) * 1000) });

    // published_until = rotation + TTL + one reload interval (min(10 s, TTL)): the old key then leaves.
    const deadline = Date.now() + 20_000;
    let current = await kids();
    while (current.includes(oldKid) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      current = await kids();
    }
    expect(current).toEqual([newKid]);
    expect(Date.now()).toBeGreaterThan(rotatedAtLeast(before.token) + TTL_SECONDS * 1000);
    // A token of a key that left the JWKS no longer verifies anywhere.
    const introspected = await t.api.post('/oauth/introspect', { admin: true, form: { token: before.token } });
    expect(introspected.body).toEqual({ active: false });
  }, 40_000);

  it('another process sharing the database starts signing with a key rotated elsewhere', async () => {
    const second = await startTestApp({
      sharing: t,
      env: { ACCESS_TOKEN_TTL: String(TTL_SECONDS) },
    });
    try {
      const pair = await login(second.api, user, client);
      const kidBefore = decodeProtectedHeader(pair.token).kid;
      const rotated = await t.api.post('/api/admin/keys/rotate', { admin: true });
      expect(rotated.body.kid).not.toBe(kidBefore);
      let kid = kidBefore;
      let refreshToken = pair.refreshToken;
      const deadline = Date.now() + 15_000;
      while (kid !== rotated.body.kid && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 300));
        const response = await refreshAtTokenEndpoint(second.api, client, refreshToken);
        expect(response.status).toBe(200);
        refreshToken = response.body.refresh_token;
        kid = decodeProtectedHeader(response.body.access_token).kid;
      }
      expect(kid).toBe(rotated.body.kid);
      expect(await kids(second)).toContain(rotated.body.kid);
    } finally {
      await second.close(); // removes only its own unused temporary folder
    }
  }, 40_000);
});

function decodeIat(token: string): number {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')).iat as number;
}

/** The earliest the rotation can have happened: after the token was issued. */
function rotatedAtLeast(token: string): number {
  return decodeIat(token) * 1000;
}
