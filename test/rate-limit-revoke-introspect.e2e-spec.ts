import { fetch as undiciFetch } from 'undici';
import { closeLoopbackAgents, from } from './support/loopback-agents.js';
import { createClient, createUser, login, type ClientFixture } from './support/fixtures.js';
import { startTestApp, type TestApp } from './support/test-app.js';

afterAll(closeLoopbackAgents);

/** SECURITY.md: revocation and introspection share the token endpoints' per-IP limit. */
describe('Rate limits on /oauth/revoke and /oauth/introspect', () => {
  const PER_IP = 4;
  let t: TestApp;
  let client: ClientFixture;

  const post = async (path: string, form: Record<string, string>, address: string, headers: Record<string, string> = {}) => {
    const response = await undiciFetch(`${t.baseUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams(form).toString(),
      dispatcher: from(address),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: (text ? JSON.parse(text) : undefined) as Record<string, unknown> | undefined };
  };

  beforeAll(async () => {
    // A per-client limit far above the per-IP one: only the per-IP limit can answer 429 here.
    t = await startTestApp({ env: { RATE_LIMIT: 'on', RATE_LIMIT_WINDOW: '60', RATE_LIMIT_REFRESH_PER_IP: String(PER_IP), RATE_LIMIT_REFRESH_PER_CLIENT: '1000' } });
    client = await createClient(t.api, { public: true });
  });
  afterAll(() => t.close());

  it(`answers /oauth/revoke 200 ${PER_IP} times from one IP, then 429 with Retry-After; another IP is still served`, async () => {
    const user = await createUser(t.api);
    const revoke = (token: string, address: string) => post('/oauth/revoke', { token, client_id: client.clientId }, address);
    for (let i = 0; i < PER_IP; i++) expect((await revoke(`unknown-token-${i}`, '127.0.0.2')).status).toBe(200);
    const session = await login(t.api, user, client);
    const limited = await revoke(session.refreshToken, '127.0.0.2');
    expect(limited.status).toBe(429);
    expect(limited.body).toEqual({ error: 'rate_limited', error_description: expect.any(String) });
    expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    // The refused revocation changed nothing: the token still refreshes.
    expect((await t.api.post('/api/auth/refresh', { json: { refreshToken: session.refreshToken } })).status).toBe(200);
    expect((await revoke('unknown-token', '127.0.0.3')).status).toBe(200);
  });

  it(`answers /oauth/introspect ${PER_IP} times from one IP, then 429 with Retry-After; another IP is still served`, async () => {
    const admin = { authorization: `Bearer ${t.adminKey}` };
    const introspect = (address: string) => post('/oauth/introspect', { token: 'not-a-token' }, address, admin);
    for (let i = 0; i < PER_IP; i++) {
      const answer = await introspect('127.0.0.4');
      expect({ status: answer.status, body: answer.body }).toEqual({ status: 200, body: { active: false } });
    }
    const limited = await introspect('127.0.0.4');
    expect(limited.status).toBe(429);
    expect(limited.body).toEqual({ error: 'rate_limited', error_description: expect.any(String) });
    expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect((await introspect('127.0.0.5')).status).toBe(200);
  });
});
