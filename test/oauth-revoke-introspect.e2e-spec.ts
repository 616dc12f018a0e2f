// e2e: black-box
import { createClient, createUser, login, refreshAtTokenEndpoint, type ClientFixture, type UserFixture } from './support/fixtures.js';
import { startTestApp, type TestApp } from './support/test-app.js';

function basic(client: ClientFixture): string {
  return `Basic ${Buffer.from(`${encodeURIComponent(client.clientId)}:${encodeURIComponent(client.clientSecret!)}`).toString('base64')}`;
}

describe('RFC 7009 revocation and RFC 7662 introspection', () => {
  let t: TestApp;
  let confidential: ClientFixture;
  let other: ClientFixture;
  let publicClient: ClientFixture;
  let user: UserFixture;

  const revoke = (client: ClientFixture, token: string, extra: Record<string, string> = {}) =>
    t.api.post('/oauth/revoke', {
      form: { token, client_id: client.clientId, ...(client.clientSecret ? { client_secret: client.clientSecret } : {}), ...extra },
    });
  const introspect = (client: ClientFixture, token: string, extra: Record<string, string> = {}) =>
    t.api.post('/oauth/introspect', { form: { token, ...extra }, headers: { authorization: basic(client) } });

  beforeAll(async () => {
    t = await startTestApp();
    confidential = await createClient(t.api, { public: false, audience: 'api-one' });
    other = await createClient(t.api, { public: false, audience: 'api-two' });
    publicClient = await createClient(t.api, { public: true });
    user = await createUser(t.api);
  });
  afterAll(() => t.close());

  it('is listed in the authorization server metadata', async () => {
    const response = await t.api.get('/.well-known/oauth-authorization-server');
    expect(response.body.revocation_endpoint).toBe(`${t.issuer}/oauth/revoke`);
    expect(response.body.introspection_endpoint).toBe(`${t.issuer}/oauth/introspect`);
  });

  it('introspects an active refresh token with every RFC 7662 field', async () => {
    const pair = await login(t.api, user, confidential);
    const response = await introspect(confidential, pair.refreshToken, { token_type_hint: 'refresh_token' });
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.body).toMatchObject({
      active: true,
      scope: 'openid profile offline_access',
      client_id: confidential.clientId,
      sub: user.id,
      iss: t.issuer,
      aud: 'api-one',
      token_type: 'refresh_token',
    });
    expect(typeof response.body.jti).toBe('string');
    expect(response.body.exp).toBeGreaterThan(response.body.iat);
    expect(response.body.iat).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000));
  });

  it('introspects an access token of ours, whatever the hint says', async () => {
    const pair = await login(t.api, user, confidential);
    const response = await introspect(confidential, pair.token, { token_type_hint: 'refresh_token' });
    expect(response.body).toMatchObject({
      active: true,
      scope: 'openid profile offline_access',
      client_id: confidential.clientId,
      sub: user.id,
      aud: 'api-one',
      token_type: 'Bearer',
      sid: pair.refreshTokenId,
    });
    expect(response.body.exp - response.body.iat).toBe(3600);
  });

  it('answers {active:false} to another client, for unknown, consumed and garbage tokens', async () => {
    const pair = await login(t.api, user, confidential);
    expect((await introspect(other, pair.refreshToken)).body).toEqual({ active: false });
    expect((await introspect(other, pair.token)).body).toEqual({ active: false });
    expect((await introspect(confidential, 'no-such-token')).body).toEqual({ active: false });
    expect((await introspect(confidential, 'a.b.c')).body).toEqual({ active: false });
    expect((await introspect(confidential, pair.refreshToken, { token_type_hint: 'nonsense' })).body.active).toBe(true);
    const rotated = await refreshAtTokenEndpoint(t.api, confidential, pair.refreshToken);
    expect(rotated.status).toBe(200);
    expect((await introspect(confidential, pair.refreshToken)).body).toEqual({ active: false });
    expect((await introspect(confidential, rotated.body.refresh_token)).body.active).toBe(true);
  });

  it('lets the admin key introspect any token', async () => {
    const pair = await login(t.api, user, confidential);
    const response = await t.api.post('/oauth/introspect', { admin: true, form: { token: pair.refreshToken } });
    expect(response.body).toMatchObject({ active: true, client_id: confidential.clientId });
  });

  it('refuses callers that are not authenticated, and public clients', async () => {
    const pair = await login(t.api, user, publicClient);
    const anonymous = await t.api.post('/oauth/introspect', { form: { token: pair.refreshToken } });
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.error).toBe('invalid_client');
    const asPublic = await t.api.post('/oauth/introspect', { form: { token: pair.refreshToken, client_id: publicClient.clientId } });
    expect(asPublic.status).toBe(401);
    const wrongSecret = await t.api.post('/oauth/introspect', {
      form: { token: pair.refreshToken },
      headers: { authorization: basic({ ...confidential, clientSecret: 'wrong' }) },
    });
    expect(wrongSecret.status).toBe(401);
    expect(wrongSecret.headers.get('www-authenticate')).toMatch(/^Basic/);
    const missing = await introspect(confidential, '');
    expect(missing.status).toBe(400);
    expect(missing.body.error).toBe('invalid_request');
  });

  it('revokes the whole family, answering 200 with an empty body', async () => {
    const first = await login(t.api, user, confidential);
    const rotated = await refreshAtTokenEndpoint(t.api, confidential, first.refreshToken);
    const response = await revoke(confidential, rotated.body.refresh_token, { token_type_hint: 'refresh_token' });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({});
    expect((await refreshAtTokenEndpoint(t.api, confidential, rotated.body.refresh_token)).body.error).toBe('invalid_grant');
    expect((await introspect(confidential, rotated.body.refresh_token)).body).toEqual({ active: false });
    // The access token already issued stays valid until it expires (SPEC §3).
    expect((await introspect(confidential, rotated.body.access_token)).body.active).toBe(true);
  });

  it('lets a public client revoke by client_id alone', async () => {
    const pair = await login(t.api, user, publicClient);
    expect((await revoke(publicClient, pair.refreshToken)).status).toBe(200);
    expect((await refreshAtTokenEndpoint(t.api, publicClient, pair.refreshToken)).status).toBe(400);
  });

  it("answers 200 for unknown tokens and another client's token, leaving the latter untouched", async () => {
    expect((await revoke(confidential, 'unknown-token')).status).toBe(200);
    const pair = await login(t.api, user, confidential);
    const byOther = await revoke(other, pair.refreshToken);
    expect(byOther.status).toBe(200);
    const byPublic = await revoke(publicClient, pair.refreshToken);
    expect(byPublic.status).toBe(200);
    expect((await refreshAtTokenEndpoint(t.api, confidential, pair.refreshToken)).status).toBe(200);
  });

  it('accepts revocation of an access token and leaves it valid', async () => {
    const pair = await login(t.api, user, confidential);
    expect((await revoke(confidential, pair.token, { token_type_hint: 'access_token' })).status).toBe(200);
    expect((await introspect(confidential, pair.token)).body.active).toBe(true);
    expect((await refreshAtTokenEndpoint(t.api, confidential, pair.refreshToken)).status).toBe(200);
  });

  it('requires client authentication to revoke', async () => {
    const pair = await login(t.api, user, confidential);
    const noClient = await t.api.post('/oauth/revoke', { form: { token: pair.refreshToken } });
    expect(noClient.status).toBe(401);
    expect(noClient.body.error).toBe('invalid_client');
    const badSecret = await revoke({ ...confidential, clientSecret: 'nope' }, pair.refreshToken);
    expect(badSecret.status).toBe(401);
    const repeated = await t.api.post('/oauth/revoke', {
      form: { token: [pair.refreshToken, 'x'], client_id: confidential.clientId, client_secret: confidential.clientSecret! },
    });
    expect(repeated.status).toBe(400);
    expect(repeated.body.error).toBe('invalid_request');
    expect((await refreshAtTokenEndpoint(t.api, confidential, pair.refreshToken)).status).toBe(200);
  });
});
