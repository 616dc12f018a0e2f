// e2e: black-box
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { createClient, createUser, login, refreshAtTokenEndpoint, type ClientFixture, type UserFixture } from './support/fixtures.js';
import { startTestApp, type TestApp } from './support/test-app.js';

describe('POST /oauth/token (refresh_token grant)', () => {
  let t: TestApp;
  let client: ClientFixture;
  let user: UserFixture;

  beforeAll(async () => {
    t = await startTestApp();
    client = await createClient(t.api, { public: false });
    user = await createUser(t.api, { roles: ['user', 'editor'] });
  });
  afterAll(() => t.close());

  it('rotates through a chain of five refreshes, each token used once', async () => {
    let { refreshToken } = await login(t.api, user, client);
    const seen = new Set([refreshToken]);
    for (let i = 0; i < 5; i++) {
      const response = await refreshAtTokenEndpoint(t.api, client, refreshToken);
      expect(response.status).toBe(200);
      expect(response.headers.get('cache-control')).toBe('no-store');
      expect(response.headers.get('pragma')).toBe('no-cache');
      expect(response.body).toMatchObject({ token_type: 'bearer', expires_in: 3600, expires: 3600, scope: 'openid profile offline_access' });
      expect(seen.has(response.body.refresh_token)).toBe(false);
      seen.add(response.body.refresh_token);
      refreshToken = response.body.refresh_token;
    }
  });

  it('signs access tokens that verify against the published JWKS with every claim', async () => {
    const { refreshToken, refreshTokenId } = await login(t.api, user, client);
    const response = await refreshAtTokenEndpoint(t.api, client, refreshToken);
    const jwks = createRemoteJWKSet(new URL(`${t.baseUrl}/.well-known/jwks.json`));
    const { payload, protectedHeader } = await jwtVerify(response.body.access_token, jwks, {
      issuer: t.issuer,
      audience: 'lemonApp',
      algorithms: ['RS256'],
    });
    expect(protectedHeader).toMatchObject({ alg: 'RS256', typ: 'JWT' });
    expect(typeof protectedHeader.kid).toBe('string');
    expect(payload).toMatchObject({
      sub: user.id,
      client_id: client.clientId,
      scope: ['openid', 'profile', 'offline_access'],
      roles: ['user', 'editor'],
      sid: refreshTokenId,
    });
    expect(payload.exp! - payload.iat!).toBe(3600);
    expect(payload.jti).toMatch(/^[0-9a-f-]{36}$/);
    expect(decodeProtectedHeader(response.body.access_token).kid).toBe(protectedHeader.kid);
  });
});
