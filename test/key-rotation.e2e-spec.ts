import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, SignJWT, type JSONWebKeySet } from 'jose';
import { randomUUID } from 'node:crypto';
import { SigningKeyService } from '../src/auth/keys/signing-key.service.js';
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
    // A copy of the old private key, as a thief would have it.
    const stolen = t.app.get(SigningKeyService).signingKey();
    expect(stolen.kid).toBe(oldKid);
    // While the key is current, a token signed with the copy is accepted: the forgery below is otherwise valid.
    const control = await forgeWith(stolen, { sub: user.id, client_id: client.clientId, roles: ['admin'] });
    expect((await t.api.get('/api/me', { headers: { authorization: `Bearer ${control}` } })).status).toBe(200);
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

    // published_until = rotation + TTL + one reload interval (min(2 s, TTL)): the old key then leaves.
    const deadline = Date.now() + 20_000;
    let current = await kids();
    while (current.includes(oldKid) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      current = await kids();
    }
    expect(current).toEqual([newKid]);
    expect(Date.now()).toBeGreaterThan(rotatedAtLeast(before.token) + TTL_SECONDS * 1000);
    // A key that left the JWKS verifies nothing: not even a token signed with it now, with a
    // live exp (signed after the rotation, with a copy of the old private key).
    const forged = await forgeWith(stolen, { sub: user.id, client_id: client.clientId, roles: ['admin'] });
    expect((await t.api.get('/api/me', { headers: { authorization: `Bearer ${forged}` } })).status).toBe(401);
    const introspected = await t.api.post('/oauth/introspect', { admin: true, form: { token: forged } });
    expect(introspected.body).toEqual({ active: false });
    // In every process: another app on the same storage refuses it too.
    const second = await startTestApp({ sharing: t, env: { ACCESS_TOKEN_TTL: String(TTL_SECONDS) } });
    try {
      expect((await second.api.get('/api/me', { headers: { authorization: `Bearer ${forged}` } })).status).toBe(401);
      expect((await second.api.post('/oauth/introspect', { admin: true, form: { token: forged } })).body).toEqual({ active: false });
    } finally {
      await second.close();
    }
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

describe('Emergency revoke (POST /api/admin/keys/:kid/revoke)', () => {
  let t: TestApp;
  let second: TestApp;
  let client: ClientFixture;
  let user: UserFixture;

  const me = (app: TestApp, token: string) => app.api.get('/api/me', { headers: { authorization: `Bearer ${token}` } });
  const kids = async (app: TestApp) => ((await app.api.get('/.well-known/jwks.json')).body as JSONWebKeySet).keys.map((key) => key.kid);
  /** Polls until `app` answers /api/me with 401; a revoke reaches another process within its key-state TTL (1 s). */
  async function refusedEventually(app: TestApp, token: string): Promise<number> {
    const deadline = Date.now() + 10_000;
    let status = (await me(app, token)).status;
    while (status !== 401 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      status = (await me(app, token)).status;
    }
    return status;
  }

  beforeAll(async () => {
    // Tokens live an hour: a retired key stays published for all of this spec unless revoked.
    t = await startTestApp();
    second = await startTestApp({ sharing: t });
    client = await createClient(t.api, { public: true });
    user = await createUser(t.api, { roles: ['user'] });
  });
  afterAll(async () => {
    await second?.close();
    await t?.close();
  });

  it('needs the admin key, and answers 404 for an unknown kid', async () => {
    const { kid } = t.app.get(SigningKeyService).signingKey();
    expect((await t.api.post(`/api/admin/keys/${kid}/revoke`)).status).toBe(401);
    const unknown = await t.api.post('/api/admin/keys/no-such-kid/revoke', { admin: true });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({ error: 'not_found', message: expect.any(String) });
    expect((await t.api.post(`/api/admin/keys/${'k'.repeat(90)}/revoke`, { admin: true })).status).toBe(404);
    expect(t.app.get(SigningKeyService).signingKey().kid).toBe(kid);
  });

  it('unpublishes a retired key at once: its tokens are refused here at once and in another process soon after', async () => {
    const stolen = t.app.get(SigningKeyService).signingKey();
    const forged = await forgeWith(stolen, { sub: user.id, client_id: client.clientId, roles: ['admin'] });
    // Accepted by both processes while the key is current, and after a rotation while it is still published.
    expect((await me(t, forged)).status).toBe(200);
    expect((await me(second, forged)).status).toBe(200);
    const rotated = await t.api.post('/api/admin/keys/rotate', { admin: true });
    expect(rotated.status).toBe(200);
    expect(await kids(t)).toContain(stolen.kid);
    expect((await me(t, forged)).status).toBe(200);
    expect((await me(second, forged)).status).toBe(200);

    const revoked = await t.api.post(`/api/admin/keys/${stolen.kid}/revoke`, { admin: true });
    expect(revoked.status).toBe(200);
    expect(revoked.body).toEqual({ kid: stolen.kid, current: rotated.body.kid });
    expect(await kids(t)).toEqual([rotated.body.kid]);
    expect(await kids(second)).toEqual([rotated.body.kid]);
    const refused = await me(t, forged);
    expect(refused.status).toBe(401);
    expect(refused.body.error).toBe('invalid_token');
    expect((await t.api.post('/oauth/introspect', { admin: true, form: { token: forged } })).body).toEqual({ active: false });
    expect(await refusedEventually(second, forged)).toBe(401);
    expect((await second.api.post('/oauth/introspect', { admin: true, form: { token: forged } })).body).toEqual({ active: false });
    // Revoking it again changes nothing: still unpublished, the current key untouched.
    expect((await t.api.post(`/api/admin/keys/${stolen.kid}/revoke`, { admin: true })).body).toEqual({ kid: stolen.kid, current: rotated.body.kid });
    expect(await kids(t)).toEqual([rotated.body.kid]);
    expect((await me(t, forged)).status).toBe(401);
  }, 30_000);

  it('replaces the current key first when the current key is revoked', async () => {
    const stolen = t.app.get(SigningKeyService).signingKey();
    const forged = await forgeWith(stolen, { sub: user.id, client_id: client.clientId, roles: ['admin'] });
    expect((await me(t, forged)).status).toBe(200);
    expect((await me(second, forged)).status).toBe(200);

    const revoked = await t.api.post(`/api/admin/keys/${stolen.kid}/revoke`, { admin: true });
    expect(revoked.status).toBe(200);
    expect(revoked.body.kid).toBe(stolen.kid);
    expect(revoked.body.current).not.toBe(stolen.kid);
    expect(await kids(t)).not.toContain(stolen.kid);
    expect(await kids(t)).toContain(revoked.body.current);
    expect((await me(t, forged)).status).toBe(401);
    expect((await t.api.post('/oauth/introspect', { admin: true, form: { token: forged } })).body).toEqual({ active: false });
    expect(await refusedEventually(second, forged)).toBe(401);

    // New tokens are signed with the new key and accepted everywhere.
    const fresh = await login(t.api, user, client);
    expect(decodeProtectedHeader(fresh.token).kid).toBe(revoked.body.current);
    expect((await me(t, fresh.token)).status).toBe(200);
    expect((await me(second, fresh.token)).status).toBe(200);
    // The other process stops signing with the revoked key within its reload interval.
    const deadline = Date.now() + 10_000;
    let kid = decodeProtectedHeader((await login(second.api, user, client)).token).kid;
    while (kid !== revoked.body.current && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      kid = decodeProtectedHeader((await login(second.api, user, client)).token).kid;
    }
    expect(kid).toBe(revoked.body.current);
  }, 30_000);
});

/** An access token signed by `key` with claims a live token of ours would have, valid for an hour. */
function forgeWith(key: { alg: string; kid: string; privateKey: CryptoKey }, claims: { sub: string; client_id: string; roles: string[]; sid?: string }) {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({
    iss: 'http://localhost:3030',
    aud: 'lemonApp',
    jti: randomUUID(),
    scope: ['openid', 'profile', 'offline_access'],
    sid: claims.sid ?? randomUUID(),
    ...claims,
  })
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT' })
    .setIssuedAt(now)
    .setExpirationTime(now + 3600)
    .sign(key.privateKey);
}

function decodeIat(token: string): number {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')).iat as number;
}

/** The earliest the rotation can have happened: after the token was issued. */
function rotatedAtLeast(token: string): number {
  return decodeIat(token) * 1000;
}
