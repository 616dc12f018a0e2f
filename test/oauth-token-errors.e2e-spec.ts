// e2e: black-box
import { createClient, createUser, login, refreshAtTokenEndpoint, type ClientFixture, type UserFixture } from './support/fixtures.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;

describe('POST /oauth/token errors (RFC 6749 §5.2)', () => {
  let t: TestApp;
  let confidential: ClientFixture;
  let publicClient: ClientFixture;
  let user: UserFixture;

  beforeAll(async () => {
    t = await startTestApp();
    confidential = await createClient(t.api, { public: false });
    publicClient = await createClient(t.api, { public: true });
    user = await createUser(t.api);
  });
  afterAll(() => t.close());

  function expectOAuthError(response: { status: number; body: any; headers: Headers }, status: number, error: string) {
    expect(response.status).toBe(status);
    expect(response.body).toEqual({ error, error_description: expect.any(String) });
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('pragma')).toBe('no-cache');
  }

  it('invalid_request when grant_type or refresh_token is missing', async () => {
    expectOAuthError(await t.api.post('/oauth/token', { form: { refresh_token: 'x', client_id: publicClient.clientId } }), 400, 'invalid_request');
    expectOAuthError(await t.api.post('/oauth/token', { form: { grant_type: 'refresh_token', client_id: publicClient.clientId } }), 400, 'invalid_request');
  });

  it('unsupported_grant_type for other grants', async () => {
    for (const grant of ['password', 'authorization_code', 'client_credentials', 'urn:ietf:params:oauth:grant-type:jwt-bearer']) {
      expectOAuthError(await t.api.post('/oauth/token', { form: { grant_type: grant, client_id: publicClient.clientId } }), 400, 'unsupported_grant_type');
    }
  });

  it('invalid_request for repeated parameters', async () => {
    const { refreshToken } = await login(t.api, user, publicClient);
    const response = await t.api.post('/oauth/token', {
      form: { grant_type: 'refresh_token', refresh_token: [refreshToken, refreshToken], client_id: publicClient.clientId },
    });
    expectOAuthError(response, 400, 'invalid_request');
    expect(response.body.error_description).toMatch(/repeated/);
    // Nothing was consumed.
    expect((await refreshAtTokenEndpoint(t.api, publicClient, refreshToken)).status).toBe(200);
  });

  it('invalid_grant for unknown, reused, revoked and other-client tokens', async () => {
    expectOAuthError(await refreshAtTokenEndpoint(t.api, publicClient, 'no-such-token'), 400, 'invalid_grant');

    const { refreshToken } = await login(t.api, user, confidential);
    expectOAuthError(await refreshAtTokenEndpoint(t.api, publicClient, refreshToken), 400, 'invalid_grant');
    const ok = await refreshAtTokenEndpoint(t.api, confidential, refreshToken);
    expect(ok.status).toBe(200);
    await refreshAtTokenEndpoint(t.api, confidential, ok.body.refresh_token);
    // The first token is two generations old: reuse, and the whole family is revoked.
    expectOAuthError(await refreshAtTokenEndpoint(t.api, confidential, refreshToken), 400, 'invalid_grant');
  });

  it("answers another client's token exactly as an unknown token, consuming nothing", async () => {
    const unknown = await refreshAtTokenEndpoint(t.api, publicClient, 'no-such-token-at-all');
    const { refreshToken } = await login(t.api, user, confidential);
    const foreign = await refreshAtTokenEndpoint(t.api, publicClient, refreshToken);
    const answer = (response: typeof unknown) => ({
      status: response.status,
      body: response.body,
      wwwAuthenticate: response.headers.get('www-authenticate'),
      cacheControl: response.headers.get('cache-control'),
    });
    expect(answer(foreign)).toEqual(answer(unknown));
    // The same at the cookie-or-body endpoint, where a confidential client's token is not valid.
    const unknownBody = await t.api.post('/api/auth/refresh', { json: { refreshToken: 'no-such-token-at-all' } });
    const foreignBody = await t.api.post('/api/auth/refresh', { json: { refreshToken } });
    expect(foreignBody.status).toBe(401);
    expect(answer(foreignBody)).toEqual(answer(unknownBody));

    // Nothing was consumed: the owner still refreshes with it; once consumed, another client still gets the unknown-token answer.
    const owner = await refreshAtTokenEndpoint(t.api, confidential, refreshToken);
    expect(owner.status).toBe(200);
    expect(answer(await refreshAtTokenEndpoint(t.api, publicClient, refreshToken))).toEqual(answer(unknown));
    expect((await refreshAtTokenEndpoint(t.api, confidential, owner.body.refresh_token)).status).toBe(200);
  });

  it('invalid_grant for a 10 KB token, never a 500', async () => {
    expectOAuthError(await refreshAtTokenEndpoint(t.api, publicClient, 'a'.repeat(10 * 1024)), 400, 'invalid_request');
    expectOAuthError(await refreshAtTokenEndpoint(t.api, publicClient, 'a'.repeat(3000)), 400, 'invalid_grant');
  });

  it('invalid_scope for a scope wider than granted, without consuming the token', async () => {
    const { refreshToken } = await login(t.api, user, publicClient, { scope: 'openid profile' });
    expectOAuthError(await refreshAtTokenEndpoint(t.api, publicClient, refreshToken, { scope: 'openid offline_access' }), 400, 'invalid_scope');
    const narrowed = await refreshAtTokenEndpoint(t.api, publicClient, refreshToken, { scope: 'openid' });
    expect(narrowed.status).toBe(200);
    expect(narrowed.body.scope).toBe('openid');
    const next = await refreshAtTokenEndpoint(t.api, publicClient, narrowed.body.refresh_token);
    expect(next.body.scope).toBe('openid profile');
  });

  it('invalid_client (401) with WWW-Authenticate: Basic when Basic authentication fails', async () => {
    const { refreshToken } = await login(t.api, user, confidential);
    const response = await t.api.post('/oauth/token', {
      form: { grant_type: 'refresh_token', refresh_token: refreshToken },
      headers: { authorization: basic(confidential.clientId, 'wrong-secret') },
    });
    expectOAuthError(response, 401, 'invalid_client');
    expect(response.headers.get('www-authenticate')).toMatch(/^Basic /);
    // A failed client authentication does not consume the token.
    const ok = await t.api.post('/oauth/token', {
      form: { grant_type: 'refresh_token', refresh_token: refreshToken },
      headers: { authorization: basic(confidential.clientId, confidential.clientSecret!) },
    });
    expect(ok.status).toBe(200);
  });

  it('invalid_client (401) for a wrong client_secret_post, a missing secret and an unknown client', async () => {
    const { refreshToken } = await login(t.api, user, confidential);
    const post = (form: Record<string, string>) => t.api.post('/oauth/token', { form: { grant_type: 'refresh_token', refresh_token: refreshToken, ...form } });
    for (const response of [
      await post({ client_id: confidential.clientId, client_secret: 'nope' }),
      await post({ client_id: confidential.clientId }),
      await post({ client_id: '00000000-0000-0000-0000-000000000000' }),
      await post({}),
    ]) {
      expectOAuthError(response, 401, 'invalid_client');
      expect(response.headers.get('www-authenticate')).toBeNull();
    }
  });

  it('invalid_request when two client authentication methods are used', async () => {
    const response = await t.api.post('/oauth/token', {
      form: { grant_type: 'refresh_token', refresh_token: 'x', client_id: confidential.clientId, client_secret: confidential.clientSecret! },
      headers: { authorization: basic(confidential.clientId, confidential.clientSecret!) },
    });
    expectOAuthError(response, 400, 'invalid_request');
  });

  it('accepts JSON as well as form bodies', async () => {
    const { refreshToken } = await login(t.api, user, publicClient);
    const response = await t.api.post('/oauth/token', { json: { grant_type: 'refresh_token', refresh_token: refreshToken, client_id: publicClient.clientId } });
    expect(response.status).toBe(200);
    expect(response.body.refresh_token).toBeTruthy();
  });

  it.each([
    ['malformed JSON', { raw: '{"grant_type": "refresh_', headers: { 'content-type': 'application/json' } }],
    ['an empty form body', { raw: '', headers: { 'content-type': 'application/x-www-form-urlencoded' } }],
    ['no body at all', {}],
    ['a JSON array', { raw: '[1,2,3]', headers: { 'content-type': 'application/json' } }],
    ['a JSON string', { raw: '"refresh_token"', headers: { 'content-type': 'application/json' } }],
    ['an unsupported content type', { raw: '<xml/>', headers: { 'content-type': 'application/xml' } }],
    ['a body over 16 KiB', { raw: `grant_type=refresh_token&refresh_token=${'a'.repeat(20_000)}`, headers: { 'content-type': 'application/x-www-form-urlencoded' } }],
    ['numbers where strings go', { raw: '{"grant_type": 1, "refresh_token": 2, "client_id": 3}', headers: { 'content-type': 'application/json' } }],
    ['nested objects', { raw: '{"grant_type": {"a": 1}, "client_id": ["x"]}', headers: { 'content-type': 'application/json' } }],
    ['a malformed Basic header', { form: { grant_type: 'refresh_token', refresh_token: 'x' }, headers: { authorization: 'Basic %%%not-base64' } }],
    ['a Basic header with bad percent-encoding', { form: { grant_type: 'refresh_token', refresh_token: 'x' }, headers: { authorization: `Basic ${Buffer.from('%E0%A4%A:x').toString('base64')}` } }],
  ])('answers %s with an RFC-shaped 4xx', async (_name, options) => {
    const response = await t.api.post('/oauth/token', options as never);
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    expect(response.body).toEqual({ error: expect.any(String), error_description: expect.any(String) });
  });

  it('rejects a wrong admin key with 401 and no data', async () => {
    for (const authorization of ['Bearer wrong', `Bearer ${t.adminKey}x`, t.adminKey, '']) {
      const response = await t.api.get('/api/admin/clients', { headers: { authorization } });
      expect(response.status).toBe(401);
      expect(response.body).toEqual({ error: 'unauthorized', message: expect.any(String) });
    }
  });

  it('keeps serving after all of the above', async () => {
    const { refreshToken } = await login(t.api, user, publicClient);
    expect((await refreshAtTokenEndpoint(t.api, publicClient, refreshToken)).status).toBe(200);
  });
});
