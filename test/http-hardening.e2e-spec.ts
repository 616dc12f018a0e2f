// e2e: black-box
import { createClient, createUser, login, type ClientFixture, type UserFixture } from './support/fixtures.js';
import { startTestApp, type TestApp } from './support/test-app.js';

describe('HTTP hardening', () => {
  let t: TestApp;
  let client: ClientFixture;
  let user: UserFixture;

  beforeAll(async () => {
    t = await startTestApp();
    client = await createClient(t.api, { public: true });
    user = await createUser(t.api);
  });
  afterAll(() => t.close());

  it.each([
    ['GET', '/.well-known/jwks.json'],
    ['POST', '/api/auth/login'],
    ['GET', '/no/such/route'],
    ['POST', '/oauth/token'],
  ])('%s %s carries the security headers and a request id', async (method, path) => {
    const response = await t.api.request(method, path, method === 'POST' ? { json: {} } : {});
    expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(response.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    expect(response.headers.get('strict-transport-security')).toMatch(/max-age=/);
    expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('echoes a well-formed x-request-id and replaces a malformed one', async () => {
    const given = await t.api.get('/.well-known/jwks.json', { headers: { 'x-request-id': 'trace-abc.123' } });
    expect(given.headers.get('x-request-id')).toBe('trace-abc.123');
    const malformed = await t.api.get('/.well-known/jwks.json', { headers: { 'x-request-id': 'bad id with spaces' } });
    expect(malformed.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it.each([
    ['/api/auth/login', 'json'],
    ['/oauth/token', 'form'],
    ['/oauth/revoke', 'form'],
    ['/oauth/introspect', 'form'],
    ['/api/admin/clients', 'json'],
  ] as const)('caps the body of %s at 16 KiB with a 413 JSON answer', async (path, kind) => {
    const big = 'x'.repeat(17 * 1024);
    const response = kind === 'json'
      ? await t.api.post(path, { json: { loginId: big, password: 'p', clientId: 'c', name: big }, admin: true })
      : await t.api.post(path, { form: { grant_type: 'refresh_token', refresh_token: big, token: big } });
    expect(response.status).toBe(413);
    expect(response.body.error).toBe('payload_too_large');
  });

  it('answers 415 to a form body on a JSON endpoint (no cross-site form posts)', async () => {
    const form = await t.api.post('/api/auth/login', { form: { loginId: user.loginId, password: user.password, clientId: client.clientId } });
    expect(form.status).toBe(415);
    expect(form.body).toEqual({ error: 'unsupported_media_type', message: expect.stringContaining('application/json') });
    const text = await t.api.post('/api/auth/login', { raw: JSON.stringify({ loginId: user.loginId }), headers: { 'content-type': 'text/plain' } });
    expect(text.status).toBe(415);
    const adminForm = await t.api.post('/api/admin/users', { admin: true, form: { loginId: 'x@example.com', password: 'long enough password' } });
    expect(adminForm.status).toBe(415);
  });

  it('accepts both form and JSON bodies on the OAuth endpoints', async () => {
    const pair = await login(t.api, user, client);
    const asJson = await t.api.post('/oauth/token', { json: { grant_type: 'refresh_token', refresh_token: pair.refreshToken, client_id: client.clientId } });
    expect(asJson.status).toBe(200);
    const asForm = await t.api.post('/oauth/token', { form: { grant_type: 'refresh_token', refresh_token: asJson.body.refresh_token, client_id: client.clientId } });
    expect(asForm.status).toBe(200);
    const charset = await t.api.post('/oauth/revoke', {
      raw: new URLSearchParams({ token: asForm.body.refresh_token, client_id: client.clientId }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=UTF-8' },
    });
    expect(charset.status).toBe(200);
  });

  it('keeps bodiless admin actions working without a content type', async () => {
    const response = await t.api.post('/api/admin/keys/rotate', { admin: true });
    expect(response.status).toBe(200);
  });

  it('answers every response that carries a secret with Cache-Control: no-store', async () => {
    const created = await t.api.post('/api/admin/clients', { admin: true, json: { name: 'secret holder', audience: 'lemonApp' } });
    expect(created.status).toBe(201);
    expect(created.body.clientSecret).toEqual(expect.any(String));
    const rotated = await t.api.post(`/api/admin/clients/${created.body.clientId}/rotate-secret`, { admin: true });
    expect(rotated.status).toBe(200);
    expect(rotated.body.clientSecret).toEqual(expect.any(String));
    const hook = await t.api.post('/api/webhooks', { admin: true, json: { url: 'https://93.184.215.14/hook' } });
    expect(hook.status).toBe(201);
    expect(hook.body.secret).toMatch(/^whsec_/);
    const hookRotated = await t.api.post(`/api/webhooks/${hook.body.id}/rotate-secret`, { admin: true });
    expect(hookRotated.status).toBe(200);
    expect(hookRotated.body.secret).toMatch(/^whsec_/);
    for (const response of [created, rotated, hook, hookRotated]) {
      expect(response.headers.get('cache-control')).toBe('no-store');
      expect(response.headers.get('pragma')).toBe('no-cache');
    }
  });

  it.each(['constructor', '__proto__', 'toString', 'valueOf', 'hasOwnProperty', 'no-such-file.js'])(
    'answers GET /docs/assets/%s with 404, not a 500',
    async (name) => {
      const response = await t.api.get(`/docs/assets/${name}`);
      expect(response.status).toBe(404);
      expect(response.body).toEqual({ error: 'not_found', message: 'No such file' });
    },
  );

  it('still serves the Swagger UI assets', async () => {
    const css = await t.api.get('/docs/assets/swagger-ui.css');
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toContain('text/css');
  });
});
