import { Module } from '@nestjs/common';
import { WebhookModule } from '../src/index.js';
import { startAuthTestingApp, verifyWebhook, WebhookSignatureReceiver, type AuthTestingApp } from '../src/testing/index.js';
import { HostAppModule } from './examples/host-app.module.js';
import { ApiClient } from './support/api-client.js';

@Module({ imports: [HostAppModule, WebhookModule] })
class HostWithWebhooksModule {}

const PREFIX = '/auth-service';

describe.each(['fastify', 'express'] as const)('the testing kit (./testing) on %s', (adapter) => {
  let kit: AuthTestingApp;
  let api: ApiClient;
  let receiver: WebhookSignatureReceiver;

  beforeAll(async () => {
    receiver = await WebhookSignatureReceiver.start();
    kit = await startAuthTestingApp({ module: HostWithWebhooksModule, adapter, env: { REFRESH_TOKEN_TTL: '120', WEBHOOK_ALLOWED_HOSTS: '127.0.0.1' } });
    api = new ApiClient(kit.baseUrl, kit.adminKey);
  });
  afterAll(async () => {
    await kit?.close();
    await receiver?.close();
  });

  it('mints access tokens for a sub, roles and scope that the host guards accept or refuse', async () => {
    const bob = await kit.mintAccessToken({ sub: 'u-bob', roles: ['user'], scope: ['reports'], audience: 'reportsApp' });
    const alice = await kit.mintAccessToken({ sub: 'u-alice', roles: ['admin'], audience: 'reportsApp' });
    const otherAudience = await kit.mintAccessToken({ sub: 'u-alice', roles: ['admin'], audience: 'otherApp' });
    const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });
    expect((await api.get('/reports/audit')).status).toBe(401);
    expect((await api.get('/reports', bearer(bob))).body).toEqual({ owner: 'u-bob', reports: [] });
    expect((await api.get('/reports/audit', bearer(bob))).status).toBe(403);
    expect((await api.get('/reports/audit', bearer(alice))).body).toEqual({ auditor: 'u-alice' });
    expect((await api.get('/reports/audit', bearer(otherAudience))).status).toBe(401);
    expect((await api.get(`${PREFIX}/api/me`, bearer(bob))).body).toMatchObject({ sub: 'u-bob', roles: ['user'], scope: ['reports'] });
  });

  it('receives webhooks whose Standard Webhooks signature verifies with the subscription secret', async () => {
    const subscription = await api.post('/api/webhooks', { admin: true, json: { url: receiver.url, events: ['token.refreshed'] } });
    expect(subscription.status).toBe(201);
    receiver.setSecret(subscription.body.secret);
    const client = { body: await kit.createClient({ name: 'kit hooks', audience: 'reportsApp', public: true }) };
    const login = await api.post(`${PREFIX}/api/auth/login`, { json: { loginId: 'alice@example.com', password: 'alice password', clientId: client.body.clientId } });
    expect(login.status).toBe(200);
    const refreshed = await api.post(`${PREFIX}/api/auth/refresh`, { json: { refreshToken: login.body.refreshToken } });
    expect(refreshed.status).toBe(200);
    const message = await receiver.waitFor('token.refreshed');
    expect(message.body.data).toMatchObject({ userId: 'u-alice', clientId: client.body.clientId, familyId: login.body.refreshTokenId });
    expect(JSON.stringify(message.body)).not.toContain(refreshed.body.refreshToken);
  });
  it('runs on a controllable clock: a refresh token expires when the clock passes its lifetime', async () => {
    const client = { body: await kit.createClient({ name: 'kit', audience: 'reportsApp', public: true }) };
    const login = await api.post(`${PREFIX}/api/auth/login`, { json: { loginId: 'bob@example.com', password: 'bob password', clientId: client.body.clientId } });
    expect(login.status).toBe(200);
    kit.clock.advance(60);
    const refreshed = await api.post(`${PREFIX}/api/auth/refresh`, { json: { refreshToken: login.body.refreshToken } });
    expect(refreshed.status).toBe(200);
    kit.clock.advance(61);
    const expired = await api.post(`${PREFIX}/api/auth/refresh`, { json: { refreshToken: refreshed.body.refreshToken } });
    expect(expired.status).toBe(401);
    expect(expired.body.error).toBe('invalid_token');
  });

});

describe('verifyWebhook', () => {
  const secret = `whsec_${Buffer.from('a secret of thirty-two bytes....').toString('base64')}`;
  const sign = async (key: string, id: string, timestamp: number, body: string) => {
    const { createHmac } = await import('node:crypto');
    return `v1,${createHmac('sha256', Buffer.from(key.slice(6), 'base64')).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
  };

  it('accepts a message signed with the secret and refuses a wrong key, a changed body and an old timestamp', async () => {
    const now = Math.floor(Date.now() / 1000);
    const body = JSON.stringify({ type: 'token.refreshed', timestamp: new Date().toISOString(), data: { userId: 'u-1' } });
    const headers = { 'webhook-id': 'evt_1', 'webhook-timestamp': String(now), 'webhook-signature': await sign(secret, 'evt_1', now, body) };
    expect(verifyWebhook(secret, headers, body).body.data).toEqual({ userId: 'u-1' });
    const other = `whsec_${Buffer.from('another secret of 32 bytes......').toString('base64')}`;
    expect(() => verifyWebhook(other, headers, body)).toThrow(/signature/);
    expect(() => verifyWebhook(secret, headers, body.replace('u-1', 'u-2'))).toThrow(/signature/);
    const old = now - 600;
    expect(() => verifyWebhook(secret, { ...headers, 'webhook-timestamp': String(old), 'webhook-signature': '' }, body)).toThrow();
    const oldSignature = await sign(secret, 'evt_1', old, body);
    expect(() => verifyWebhook(secret, { ...headers, 'webhook-timestamp': String(old), 'webhook-signature': oldSignature }, body)).toThrow(/tolerance/);
  });
});
