// e2e: black-box rate-limit
import { randomUUID } from 'node:crypto';
import { createClient, createUser, login, type ClientFixture, type UserFixture } from './support/fixtures.js';
import { startTestApp, type TestApp } from './support/test-app.js';

/**
 * Rate limits as a deployment with RATE_LIMIT=on shows them (SPEC §5). Against a deployment,
 * `npm run test:e2e:remote` runs this spec alone when E2E_RATE_LIMIT=on, with the deployment's
 * limits given as E2E_RATE_LIMIT_LOGIN_PER_ACCOUNT and E2E_RATE_LIMIT_REFRESH_PER_CLIENT /
 * _PER_IP (the defaults below are what .ci/remote-e2e-pass and the in-process run configure).
 * It exhausts the caller's per-IP budget of the token endpoints, so it runs last and alone.
 */
const limit = (name: string, fallback: number) => Number(process.env[`E2E_RATE_LIMIT_${name}`] ?? fallback);
const LOGIN_PER_ACCOUNT = limit('LOGIN_PER_ACCOUNT', 3);
const REFRESH_PER_CLIENT = limit('REFRESH_PER_CLIENT', 5);
const REFRESH_PER_IP = limit('REFRESH_PER_IP', 20);

describe('Black-box: rate limits', () => {
  let t: TestApp;
  let client: ClientFixture;
  let user: UserFixture;

  beforeAll(async () => {
    t = await startTestApp({
      expects: {
        RATE_LIMIT: 'on',
        RATE_LIMIT_WINDOW: '60',
        RATE_LIMIT_LOGIN_PER_ACCOUNT: String(LOGIN_PER_ACCOUNT),
        RATE_LIMIT_LOGIN_PER_IP: '100',
        RATE_LIMIT_REFRESH_PER_CLIENT: String(REFRESH_PER_CLIENT),
        RATE_LIMIT_REFRESH_PER_IP: String(REFRESH_PER_IP),
      },
    });
    client = await createClient(t.api, { public: true });
    user = await createUser(t.api);
  });
  afterAll(() => t.close());

  const loginAs = (loginId: string, password: string) => t.api.post('/api/auth/login', { json: { loginId, password, clientId: client.clientId } });
  const expect429 = (response: { status: number; headers: Headers; body: any }, shape: 'oauth' | 'api') => {
    expect(response.status).toBe(429);
    expect(response.body).toEqual(shape === 'oauth' ? { error: 'rate_limited', error_description: expect.any(String) } : { error: 'rate_limited', message: expect.any(String) });
    expect(response.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(Number(response.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  };

  it(`locks a loginId after ${LOGIN_PER_ACCOUNT} failed logins, with Retry-After, even for the right password`, async () => {
    for (let i = 0; i < LOGIN_PER_ACCOUNT; i++) expect((await loginAs(user.loginId, 'wrong password')).status).toBe(401);
    expect429(await loginAs(user.loginId, user.password), 'api');
  });

  it('locks a loginId that does not exist the same way (no account enumeration)', async () => {
    const ghost = `ghost-${randomUUID()}@example.com`;
    for (let i = 0; i < LOGIN_PER_ACCOUNT; i++) expect((await loginAs(ghost, 'wrong password')).status).toBe(401);
    expect429(await loginAs(ghost, 'wrong password'), 'api');
  });

  it('leaves other loginIds from the same caller alone', async () => {
    const other = await createUser(t.api);
    expect((await login(t.api, other, client)).refreshToken).toEqual(expect.any(String));
  });

  it(`limits one client at the token endpoint to ${REFRESH_PER_CLIENT} authenticated requests per window, in the RFC 6749 error shape`, async () => {
    // The per-client limit counts requests the client authenticated (a public client by its
    // client_id); naming an unknown client counts against the caller's IP only (SPEC §5).
    const [limited, other] = [await createClient(t.api, { public: true }), await createClient(t.api, { public: true })];
    const attempt = (clientId: string) => t.api.post('/oauth/token', { form: { grant_type: 'refresh_token', refresh_token: 'not-a-token', client_id: clientId } });
    for (let i = 0; i < REFRESH_PER_CLIENT; i++) {
      const response = await attempt(limited.clientId);
      expect({ status: response.status, error: response.body.error }).toEqual({ status: 400, error: 'invalid_grant' });
    }
    expect429(await attempt(limited.clientId), 'oauth');
    // Another client is still served (the per-IP budget is not spent yet).
    const served = await attempt(other.clientId);
    expect({ status: served.status, error: served.body.error }).toEqual({ status: 400, error: 'invalid_grant' });
  });

  describe(`once the caller has spent its per-IP budget (${REFRESH_PER_IP}) on the token endpoints`, () => {
    beforeAll(async () => {
      const statuses: number[] = [];
      for (let i = 0; i <= REFRESH_PER_IP && !statuses.includes(429); i++) {
        const response = await t.api.post('/oauth/token', { form: { grant_type: 'refresh_token', refresh_token: 'not-a-token', client_id: randomUUID() } });
        statuses.push(response.status);
      }
      // Every request before the first 429 was answered normally; the budget ran out within the limit.
      expect(statuses.at(-1)).toBe(429);
      expect(statuses.slice(0, -1).every((status) => status === 401)).toBe(true);
    });

    it('answers /oauth/token with 429 and Retry-After for any client', async () => {
      expect429(await t.api.post('/oauth/token', { form: { grant_type: 'refresh_token', refresh_token: 'x', client_id: client.clientId } }), 'oauth');
    });

    it('answers /oauth/revoke with 429 and Retry-After', async () => {
      expect429(await t.api.post('/oauth/revoke', { form: { token: 'x', client_id: client.clientId } }), 'oauth');
    });

    it('answers /oauth/introspect with 429 and Retry-After', async () => {
      expect429(await t.api.post('/oauth/introspect', { admin: true, form: { token: 'x' } }), 'oauth');
    });

    it.each(['/api/auth/refresh', '/api/jwt/refresh'])('answers %s with 429 and Retry-After', async (path) => {
      expect429(await t.api.post(path, { json: { refreshToken: 'x' } }), 'api');
    });

    it('still serves login, which has its own budget', async () => {
      const fresh = await createUser(t.api);
      expect((await login(t.api, fresh, client)).token).toEqual(expect.any(String));
    });
  });
});
