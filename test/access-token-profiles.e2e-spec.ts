import { createRemoteJWKSet, jwtVerify } from 'jose';
import { createClient, createUser, login, refreshAtTokenEndpoint } from './support/fixtures.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const profiles = [
  { profile: 'default', alg: 'RS256', typ: 'JWT', scope: ['openid', 'profile', 'offline_access'] },
  { profile: 'rfc9068', alg: 'RS256', typ: 'at+jwt', scope: 'openid profile offline_access' },
  { profile: 'default', alg: 'ES256', typ: 'JWT', scope: ['openid', 'profile', 'offline_access'] },
  { profile: 'default', alg: 'EdDSA', typ: 'JWT', scope: ['openid', 'profile', 'offline_access'] },
];

describe.each(profiles)('access tokens, profile $profile, $alg', ({ profile, alg, typ, scope }) => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ env: { ACCESS_TOKEN_PROFILE: profile, JWT_ALG: alg, ACCESS_TOKEN_TTL: '900' } });
  });
  afterAll(() => t.close());

  it('verifies against the JWKS with the header and claims of SPEC §2', async () => {
    const client = await createClient(t.api, { public: true, audience: 'lemonApp' });
    const user = await createUser(t.api, { roles: ['user'] });
    const first = await login(t.api, user, client);
    const response = await refreshAtTokenEndpoint(t.api, client, first.refreshToken);
    expect(response.status).toBe(200);
    expect(response.body.expires_in).toBe(900);

    const jwksResponse = await t.api.get('/.well-known/jwks.json');
    expect(jwksResponse.headers.get('cache-control')).toBe('public, max-age=300');
    expect(jwksResponse.body.keys[0]).toMatchObject({ alg, use: 'sig', kid: expect.any(String) });
    expect(JSON.stringify(jwksResponse.body)).not.toMatch(/"d"|"p"|"q"/);

    const jwks = createRemoteJWKSet(new URL(`${t.baseUrl}/.well-known/jwks.json`));
    for (const token of [first.token, response.body.access_token]) {
      const { payload, protectedHeader } = await jwtVerify(token, jwks, {
        issuer: t.issuer,
        audience: 'lemonApp',
        algorithms: [alg],
        typ,
      });
      expect(protectedHeader).toEqual({ alg, kid: jwksResponse.body.keys[0].kid, typ });
      expect(payload).toEqual({
        iss: t.issuer,
        sub: user.id,
        aud: 'lemonApp',
        exp: expect.any(Number),
        iat: expect.any(Number),
        jti: expect.stringMatching(/^[0-9a-f-]{36}$/),
        client_id: client.clientId,
        scope,
        roles: ['user'],
        sid: first.refreshTokenId,
      });
      expect(payload.exp! - payload.iat!).toBe(900);
    }
  });
});

describe('metadata (RFC 8414)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ env: { ISSUER: 'https://auth.example.com' } });
  });
  afterAll(() => t.close());

  it('names the issuer, endpoints, grant types and auth methods, and no OpenID documents', async () => {
    const response = await t.api.get('/.well-known/oauth-authorization-server');
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      issuer: 'https://auth.example.com',
      token_endpoint: 'https://auth.example.com/oauth/token',
      revocation_endpoint: 'https://auth.example.com/oauth/revoke',
      introspection_endpoint: 'https://auth.example.com/oauth/introspect',
      jwks_uri: 'https://auth.example.com/.well-known/jwks.json',
      grant_types_supported: ['refresh_token'],
      token_endpoint_auth_methods_supported: expect.arrayContaining(['client_secret_basic', 'client_secret_post', 'none']),
    });
    expect((await t.api.get('/.well-known/openid-configuration')).status).toBe(404);
  });
});
