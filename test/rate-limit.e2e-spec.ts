import { fetch as undiciFetch } from 'undici';
import { closeLoopbackAgents, from } from './support/loopback-agents.js';
import { createClient, createUser, login, type ClientFixture, type UserFixture } from './support/fixtures.js';
import { startTestApp, type TestApp } from './support/test-app.js';

async function post(t: TestApp, path: string, body: { json?: unknown; form?: Record<string, string> }, address = '127.0.0.1') {
  const init = body.json !== undefined
    ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body.json) }
    : { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(body.form).toString() };
  const response = await undiciFetch(`${t.baseUrl}${path}`, { method: 'POST', ...init, dispatcher: from(address) });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, unknown> };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

afterAll(closeLoopbackAgents);

describe('Rate limits on login', () => {
  let t: TestApp;
  let client: ClientFixture;
  let alice: UserFixture;
  let bob: UserFixture;

  const attempt = (user: { loginId: string }, password: string, address?: string) =>
    post(t, '/api/auth/login', { json: { loginId: user.loginId, password, clientId: client.clientId } }, address);

  beforeAll(async () => {
    t = await startTestApp({
      env: {
        RATE_LIMIT: 'on',
        // A window long enough for three password checks on a slow, shared machine.
        RATE_LIMIT_WINDOW: '10',
        RATE_LIMIT_LOGIN_PER_ACCOUNT: '3',
        RATE_LIMIT_LOGIN_LOCKOUT: '3',
        RATE_LIMIT_LOGIN_PER_IP: '20',
      },
    });
    client = await createClient(t.api, { public: true });
    alice = await createUser(t.api);
    bob = await createUser(t.api);
  });
  afterAll(() => t.close());

  it('locks one loginId from one IP, with Retry-After, the same way for an account that does not exist', async () => {
    for (let i = 0; i < 3; i++) expect((await attempt(alice, 'wrong password')).status).toBe(401);
    const locked = await attempt(alice, alice.password);
    expect(locked.status).toBe(429);
    expect(locked.body).toEqual({ error: 'rate_limited', message: expect.stringMatching(/retry in \d+ seconds/) });
    const retryAfter = Number(locked.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(3);
    expect((await attempt(alice, alice.password)).status).toBe(429);

    const ghost = { loginId: 'nobody-here@example.com' };
    const ghostAnswers = [];
    for (let i = 0; i < 3; i++) ghostAnswers.push(await attempt(ghost, 'wrong password'));
    const aliceWrong = await attempt({ loginId: `${alice.loginId}` }, 'still wrong', '127.0.0.4');
    expect(ghostAnswers.map((answer) => answer.status)).toEqual([401, 401, 401]);
    // Same body for an unknown account and a wrong password: nothing tells them apart.
    expect(ghostAnswers[0]!.body).toEqual(aliceWrong.body);
    const ghostLocked = await attempt(ghost, 'wrong password');
    expect(ghostLocked.status).toBe(429);
    expect(Object.keys(ghostLocked.body)).toEqual(Object.keys(locked.body));
    expect(ghostLocked.headers.get('retry-after')).not.toBeNull();

    // The lock is for that IP and loginId only: another user from the same IP, and the
    // same user from another machine, still log in.
    expect((await attempt(bob, bob.password)).status).toBe(200);
    expect((await attempt(alice, alice.password, '127.0.0.2')).status).toBe(200);

    // It ends: after Retry-After the right password works again.
    await sleep(3_200);
    expect((await attempt(alice, alice.password)).status).toBe(200);
  }, 30_000);

  it('limits all logins from one IP, whatever the loginId, and recovers after the window', async () => {
    const address = '127.0.0.3';
    for (let i = 0; i < 20; i++) {
      const answer = await post(t, '/api/auth/login', { json: { loginId: `someone-${i}` } }, address);
      expect(answer.status).toBe(400);
    }
    const limited = await post(t, '/api/auth/login', { json: { loginId: 'someone-else' } }, address);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect((await attempt(bob, bob.password)).status).toBe(200);
    await sleep(Number(limited.headers.get('retry-after')) * 1000 + 300);
    expect((await attempt(bob, bob.password, address)).status).toBe(200);
  }, 30_000);
});

describe('Rate limits on the token endpoint', () => {
  let t: TestApp;

  // Confidential clients: their authenticated requests count per client from any IP (a public
  // client's count is per client and IP, see the lockout spec below).
  const refresh = (client: ClientFixture, address?: string) =>
    post(
      t,
      '/oauth/token',
      { form: { grant_type: 'refresh_token', refresh_token: 'not-a-real-token', client_id: client.clientId, client_secret: client.clientSecret! } },
      address,
    );

  beforeAll(async () => {
    t = await startTestApp({
      env: { RATE_LIMIT: 'on', RATE_LIMIT_WINDOW: '2', RATE_LIMIT_REFRESH_PER_CLIENT: '3', RATE_LIMIT_REFRESH_PER_IP: '6' },
    });
  });
  afterAll(() => t.close());

  it('limits per client and per IP, answering 429 in the RFC 6749 shape, and recovers', async () => {
    const x = await createClient(t.api, { public: false });
    const y = await createClient(t.api, { public: false });
    for (let i = 0; i < 3; i++) expect((await refresh(x)).status).toBe(400);
    const perClient = await refresh(x);
    expect(perClient.status).toBe(429);
    expect(perClient.body).toEqual({ error: 'rate_limited', error_description: expect.any(String) });
    expect(Number(perClient.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    // The same client from another IP is still limited: the count is per client.
    expect((await refresh(x, '127.0.0.2')).status).toBe(429);

    expect((await refresh(y)).status).toBe(400);
    expect((await refresh(y)).status).toBe(400);
    const perIp = await refresh(y);
    expect(perIp.status).toBe(429);
    expect((await refresh(y, '127.0.0.2')).status).toBe(400);

    await sleep(Number(perClient.headers.get('retry-after')) * 1000 + 300);
    expect((await refresh(x)).status).toBe(400);
  }, 30_000);
});

describe('Failed client authentications count against the IP only (no lockout by naming a client)', () => {
  let t: TestApp;
  let victim: ClientFixture;
  let user: UserFixture;

  beforeAll(async () => {
    t = await startTestApp({
      env: { RATE_LIMIT: 'on', RATE_LIMIT_WINDOW: '60', RATE_LIMIT_REFRESH_PER_CLIENT: '5', RATE_LIMIT_REFRESH_PER_IP: '8' },
    });
    victim = await createClient(t.api, { public: false });
    user = await createUser(t.api);
  });
  afterAll(() => t.close());

  it("an attacker's wrong secrets get it 429s; the real client on another IP is served on /oauth/token, /oauth/revoke and /oauth/introspect", async () => {
    const attacker = '127.0.0.5';
    const wrong = { client_id: victim.clientId, client_secret: 'wrong secret' };
    const flood: number[] = [];
    for (let i = 0; i < 12; i++) {
      flood.push((await post(t, '/oauth/token', { form: { grant_type: 'refresh_token', refresh_token: 'x', ...wrong } }, attacker)).status);
    }
    flood.push((await post(t, '/oauth/revoke', { form: { token: 'x', ...wrong } }, attacker)).status);
    flood.push((await post(t, '/oauth/introspect', { form: { token: 'x', ...wrong } }, attacker)).status);
    // Eight per IP, failed authentications included; then the attacker's IP is limited.
    expect(flood).toEqual([...Array(8).fill(401), ...Array(6).fill(429)]);

    const pair = await login(t.api, user, victim);
    const real = { client_id: victim.clientId, client_secret: victim.clientSecret! };
    const refreshed = await post(t, '/oauth/token', { form: { grant_type: 'refresh_token', refresh_token: pair.refreshToken, ...real } }, '127.0.0.6');
    expect(refreshed.status).toBe(200);
    const introspected = await post(t, '/oauth/introspect', { form: { token: refreshed.body.refresh_token as string, ...real } }, '127.0.0.6');
    expect(introspected.status).toBe(200);
    expect(introspected.body.active).toBe(true);
    const revoked = await post(t, '/oauth/revoke', { form: { token: refreshed.body.refresh_token as string, ...real } }, '127.0.0.6');
    expect(revoked.status).toBe(200);

    // The per-client limit still holds for authenticated requests, from any IP: 5 per window.
    for (let i = 0; i < 2; i++) expect((await post(t, '/oauth/introspect', { form: { token: 'x', ...real } }, '127.0.0.7')).status).toBe(200);
    const limited = await post(t, '/oauth/introspect', { form: { token: 'x', ...real } }, '127.0.0.8');
    expect(limited.status).toBe(429);
    expect(limited.body).toEqual({ error: 'rate_limited', error_description: expect.any(String) });
  }, 30_000);

  it("a public client, identified by its id alone, is limited per IP too: a flood naming it does not lock out its users elsewhere", async () => {
    const app = await createClient(t.api, { public: true });
    const named = { client_id: app.clientId };
    const flood: number[] = [];
    for (let i = 0; i < 7; i++) {
      flood.push((await post(t, '/oauth/token', { form: { grant_type: 'refresh_token', refresh_token: 'junk', ...named } }, '127.0.0.9')).status);
    }
    // Five per client from that IP (each an invalid_grant), then 429s for that IP and client.
    expect(flood).toEqual([...Array(5).fill(400), 429, 429]);

    const pair = await login(t.api, user, app);
    const refreshed = await post(t, '/oauth/token', { form: { grant_type: 'refresh_token', refresh_token: pair.refreshToken, ...named } }, '127.0.0.10');
    expect(refreshed.status).toBe(200);
  });
});

describe('Rate limits on the cookie-or-body refresh endpoints', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ env: { RATE_LIMIT: 'on', RATE_LIMIT_WINDOW: '2', RATE_LIMIT_REFRESH_PER_IP: '4' } });
  });
  afterAll(() => t.close());

  it('counts both routes per IP, answers 429 with Retry-After, and recovers', async () => {
    const refresh = (path: string, address?: string) => post(t, path, { json: { refreshToken: 'not-a-real-token' } }, address);
    expect((await refresh('/api/auth/refresh')).status).toBe(401);
    expect((await refresh('/api/jwt/refresh')).status).toBe(401);
    expect((await refresh('/api/auth/refresh')).status).toBe(401);
    expect((await refresh('/api/jwt/refresh')).status).toBe(401);
    const limited = await refresh('/api/auth/refresh');
    expect(limited.status).toBe(429);
    expect(limited.body).toEqual({ error: 'rate_limited', message: expect.any(String) });
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    // Another address counts on its own.
    expect((await refresh('/api/auth/refresh', '127.0.0.3')).status).toBe(401);
    await sleep(Number(limited.headers.get('retry-after')) * 1000 + 300);
    expect((await refresh('/api/jwt/refresh')).status).toBe(401);
  }, 30_000);
});

describe('RATE_LIMIT=off', () => {
  it('disables every limit', async () => {
    const t = await startTestApp({ env: { RATE_LIMIT: 'off', RATE_LIMIT_LOGIN_PER_ACCOUNT: '1', RATE_LIMIT_LOGIN_PER_IP: '1', RATE_LIMIT_REFRESH_PER_IP: '1' } });
    try {
      const client = await createClient(t.api, { public: true });
      const user = await createUser(t.api);
      for (let i = 0; i < 3; i++) await login(t.api, user, client);
      for (let i = 0; i < 3; i++) {
        const answer = await t.api.post('/oauth/token', { form: { grant_type: 'refresh_token', refresh_token: 'x', client_id: client.clientId } });
        expect(answer.status).toBe(400);
      }
    } finally {
      await t.close();
    }
  }, 30_000);
});
