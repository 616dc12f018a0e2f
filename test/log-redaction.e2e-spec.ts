import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, createUser, login } from './support/fixtures.js';
import { startTestApp } from './support/test-app.js';

describe('Logs of a full flow', () => {
  it('are JSON lines with request ids and contain no token, secret, password, cookie or Authorization value', async () => {
    const logDir = mkdtempSync(join(tmpdir(), 'rts-logs-'));
    const logFile = join(logDir, 'app.log');
    const t = await startTestApp({ env: { LOG_LEVEL: 'trace', LOG_FILE: logFile, REFRESH_REUSE_GRACE_SECONDS: '0' } });
    const secrets: string[] = [t.adminKey, t.env.KEY_ENCRYPTION_KEY!];
    try {
      const confidential = await createClient(t.api, { public: false });
      const publicClient = await createClient(t.api, { public: true });
      const user = await createUser(t.api, { password: 'a very secret passphrase 42' });
      secrets.push(confidential.clientSecret!, user.password, 'wrong passphrase 99');

      const first = await login(t.api, user, confidential);
      const second = await login(t.api, user, publicClient);
      secrets.push(first.token, first.refreshToken, second.token, second.refreshToken);

      const basic = `Basic ${Buffer.from(`${confidential.clientId}:${confidential.clientSecret}`).toString('base64')}`;
      secrets.push(basic.slice(6));
      const refreshed = await t.api.post('/oauth/token', { form: { grant_type: 'refresh_token', refresh_token: first.refreshToken }, headers: { authorization: basic } });
      expect(refreshed.status).toBe(200);
      secrets.push(refreshed.body.access_token, refreshed.body.refresh_token);

      // Reuse of a consumed token (a warning is logged), a failed login, a token in a query
      // string and in a cookie, introspection and revocation.
      expect((await t.api.post('/oauth/token', { form: { grant_type: 'refresh_token', refresh_token: first.refreshToken }, headers: { authorization: basic } })).status).toBe(400);
      expect((await t.api.post('/api/auth/login', { json: { loginId: user.loginId, password: 'wrong passphrase 99', clientId: publicClient.clientId } })).status).toBe(401);
      await t.api.get(`/.well-known/jwks.json?refresh_token=${second.refreshToken}`, { headers: { cookie: `refresh_token=${second.refreshToken}; access_token=${second.token}` } });
      expect((await t.api.post('/oauth/introspect', { form: { token: second.token }, admin: true })).body.active).toBe(true);
      expect((await t.api.post('/oauth/revoke', { form: { token: second.refreshToken, client_id: publicClient.clientId } })).status).toBe(200);
      const rotated = await t.api.post(`/api/admin/clients/${confidential.clientId}/rotate-secret`, { admin: true });
      secrets.push(rotated.body.clientSecret);
      await t.api.post('/api/admin/users', { admin: true, json: { loginId: 'second@example.com', password: 'another secret password' } });
      secrets.push('another secret password');
    } finally {
      await t.close();
    }

    const text = readFileSync(logFile, 'utf8');
    rmSync(logDir, { recursive: true, force: true });
    const lines = text.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    const requests = lines.filter((line) => line.msg === 'request completed');
    expect(requests.length).toBe(13);
    for (const line of requests) {
      expect(line.requestId).toEqual(expect.any(String));
      expect(line.req).toEqual({ id: line.requestId, method: expect.any(String), path: expect.stringMatching(/^\//), headers: expect.any(Object), remoteAddress: '127.0.0.1' });
      expect(line.res).toEqual({ statusCode: expect.any(Number) });
    }
    // Lines logged by services inside a request carry its id too.
    const reuse = lines.find((line) => String(line.msg).includes('reuse detected'));
    expect(reuse?.requestId).toEqual(expect.any(String));
    for (const secret of secrets) {
      expect(secret.length).toBeGreaterThanOrEqual(16);
      expect(text.includes(secret)).toBe(false);
    }
    // Not even the signature half of a JWT, nor the query string that carried a token.
    for (const jwt of secrets.filter((secret) => secret.split('.').length === 3)) expect(text.includes(jwt.split('.')[2]!)).toBe(false);
    expect(text).not.toMatch(/refresh_token=/);
    expect(text).not.toMatch(/"authorization"|"cookie"/i);
  }, 60_000);
});
