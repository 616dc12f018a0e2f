import { jest } from '@jest/globals';
import type { IncomingHttpHeaders } from 'node:http';
import { Webhook } from 'standardwebhooks';
import { createClient, createUser, login, refreshAtTokenEndpoint, type ClientFixture } from './support/fixtures.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { answer, hang, WebhookReceiver, type ReceivedWebhook, type Responder } from './support/webhook-receiver.js';

jest.setTimeout(60_000);

const basic = (client: ClientFixture) => ({
  authorization: `Basic ${Buffer.from(`${encodeURIComponent(client.clientId)}:${encodeURIComponent(client.clientSecret!)}`).toString('base64')}`,
});

const verify = (secret: string, request: ReceivedWebhook) =>
  new Webhook(secret).verify(request.rawBody, request.headers as Record<string, string>) as { type: string; timestamp: string; data: Record<string, unknown> };

const jwtPayload = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const flatHeaders = (headers: IncomingHttpHeaders) => JSON.stringify(headers);

describe('Webhooks', () => {
  let t: TestApp;
  const receivers: WebhookReceiver[] = [];

  beforeAll(async () => {
    t = await startTestApp({
      env: {
        WEBHOOK_ALLOWED_HOSTS: '127.0.0.1',
        WEBHOOK_RETRY_SCHEDULE: '0,1,1',
        WEBHOOK_POLL_MS: '100',
        WEBHOOK_TIMEOUT_MS: '3000',
        REFRESH_REUSE_GRACE_SECONDS: '0',
      },
    });
  });
  afterAll(async () => {
    await t.close();
    await Promise.all(receivers.map((receiver) => receiver.close()));
  });

  async function receiver(): Promise<WebhookReceiver> {
    const started = await WebhookReceiver.start();
    receivers.push(started);
    return started;
  }

  async function subscribe(client: ClientFixture | 'admin', body: Record<string, unknown>) {
    const response = await t.api.post('/api/webhooks', client === 'admin' ? { admin: true, json: body } : { headers: basic(client), json: body });
    if (response.status !== 201) throw new Error(`subscribe: ${response.status} ${response.text}`);
    return response.body as { id: string; url: string; events: string[]; enabled: boolean; secret: string };
  }

  async function deliveries(subscriptionId: string) {
    const response = await t.api.get(`/api/webhooks/${subscriptionId}/deliveries`, { admin: true });
    expect(response.status).toBe(200);
    return response.body.items as Array<{
      id: string;
      eventId: string;
      status: string;
      attempts: number;
      attemptLog: Array<{ attempt: number; at: string; statusCode: number | null; durationMs: number; error: string | null; responseBody: string | null; nextRetryAt: string | null }>;
    }>;
  }

  async function waitForDelivery(subscriptionId: string, status: string, timeoutMs = 15_000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const [delivery] = await deliveries(subscriptionId);
      if (delivery?.status === status) return delivery;
      if (Date.now() > deadline) throw new Error(`delivery of ${subscriptionId} did not become ${status}: ${JSON.stringify(delivery)}`);
      await sleep(100);
    }
  }

  async function session(client: ClientFixture) {
    const user = await createUser(t.api);
    return { user, tokens: await login(t.api, user, client) };
  }

  it('delivers exactly one verified token.refreshed per matching subscription, with ids only', async () => {
    const client = await createClient(t.api, { public: false });
    const other = await createClient(t.api, { public: false });
    const hooks = await receiver();
    const own = await subscribe(client, { url: `${hooks.url}/own`, description: 'integrator' });
    const admin = await subscribe('admin', { url: `${hooks.url}/admin`, events: ['token.refreshed', 'token.issued'], clientId: client.clientId });
    await subscribe('admin', { url: `${hooks.url}/other-client`, clientId: other.clientId });
    await subscribe(client, { url: `${hooks.url}/revoked-only`, events: ['token.revoked'] });
    expect(own).toMatchObject({ events: ['token.refreshed'], enabled: true, url: `${hooks.url}/own` });
    expect(own.secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);

    const { user, tokens } = await session(client);
    const refreshed = await refreshAtTokenEndpoint(t.api, client, tokens.refreshToken);
    expect(refreshed.status).toBe(200);
    const late = await subscribe(client, { url: `${hooks.url}/late` });
    // The sentinel: a second refresh, committed after `late` was created. Once every copy of it
    // has arrived, anything the first refresh was going to send (a duplicate, a leak) has too.
    const sentinel = await refreshAtTokenEndpoint(t.api, client, refreshed.body.refresh_token);
    expect(sentinel.status).toBe(200);
    const [lateRequest] = await hooks.waitFor(1, 15_000, (request) => request.path === '/hook/late');
    await hooks.waitFor(2, 15_000, (request) => request.path === '/hook/own');
    await hooks.waitFor(3, 15_000, (request) => request.path === '/hook/admin');
    const byPath = (path: string) => hooks.received.filter((request) => request.path === path);
    expect(byPath('/hook/own')).toHaveLength(2);
    expect(byPath('/hook/admin')).toHaveLength(3);
    expect(byPath('/hook/other-client')).toHaveLength(0);
    expect(byPath('/hook/revoked-only')).toHaveLength(0);
    expect(byPath('/hook/late')).toHaveLength(1);
    expect(verify(late.secret, lateRequest!).data).toMatchObject({ familyId: tokens.refreshTokenId, rotation: 2 });
    expect(new Set(byPath('/hook/own').map((received) => received.headers['webhook-id'])).size).toBe(2);

    const request = byPath('/hook/own').find((received) => verify(own.secret, received).data.rotation === 1);
    const message = verify(own.secret, request!);
    expect(request!.headers['content-type']).toBe('application/json');
    expect(message.type).toBe('token.refreshed');
    expect(new Date(message.timestamp).toISOString()).toBe(message.timestamp);
    const claims = jwtPayload(refreshed.body.access_token);
    expect(message.data).toEqual({
      userId: user.id,
      clientId: client.clientId,
      familyId: tokens.refreshTokenId,
      rotation: 1,
      accessTokenJti: claims.jti,
      accessTokenExpiresAt: new Date((claims.exp as number) * 1000).toISOString(),
      scope: 'openid profile offline_access',
      ip: expect.any(String),
      userAgent: expect.any(String),
      replay: false,
    });
    expect(request!.headers['webhook-id']).toMatch(/^[0-9a-f-]{36}$/);

    const adminMessages = byPath('/hook/admin').map((received) => verify(admin.secret, received));
    expect(adminMessages.map((received) => received.type).sort()).toEqual(['token.issued', 'token.refreshed', 'token.refreshed']);
    expect(byPath('/hook/admin').map((received) => received.headers['webhook-id'])).toContain(request!.headers['webhook-id']);

    const secrets = [
      tokens.refreshToken,
      tokens.token,
      refreshed.body.refresh_token,
      refreshed.body.access_token,
      sentinel.body.refresh_token,
      sentinel.body.access_token,
      client.clientSecret!,
      own.secret,
      own.secret.slice(6),
    ];
    for (const received of hooks.received) {
      for (const secret of secrets) {
        expect(received.rawBody).not.toContain(secret);
        expect(flatHeaders(received.headers)).not.toContain(secret);
      }
    }
  });

  it('announces reuse after grace as token.reuse_detected, and revocation as token.revoked', async () => {
    const client = await createClient(t.api, { public: false });
    const hooks = await receiver();
    const subscription = await subscribe(client, { url: hooks.url, events: ['token.reuse_detected', 'token.revoked'] });
    const { user, tokens } = await session(client);
    expect((await refreshAtTokenEndpoint(t.api, client, tokens.refreshToken)).status).toBe(200);
    const reused = await refreshAtTokenEndpoint(t.api, client, tokens.refreshToken);
    expect(reused.status).toBe(400);
    expect(reused.body.error).toBe('invalid_grant');

    const [first, second] = (await hooks.waitFor(2)).map((request) => verify(subscription.secret, request));
    const byType = Object.fromEntries([first!, second!].map((message) => [message.type, message.data]));
    expect(byType['token.reuse_detected']).toMatchObject({ userId: user.id, clientId: client.clientId, familyId: tokens.refreshTokenId, reason: 'reuse_after_grace' });
    expect(byType['token.revoked']).toMatchObject({ familyId: tokens.refreshTokenId, reason: 'reuse_detected' });

    const second_session = await login(t.api, user, client);
    expect((await t.api.delete(`/api/admin/users/${user.id}/sessions`, { admin: true })).status).toBe(204);
    const [, , revoked] = (await hooks.waitFor(3)).map((request) => verify(subscription.secret, request));
    expect(revoked).toMatchObject({ type: 'token.revoked', data: { familyId: second_session.refreshTokenId, userId: user.id, reason: 'admin_revoked' } });
  });

  it('retries 500, 500, then 200: three attempts under one webhook-id, one delivery logged as succeeded', async () => {
    const client = await createClient(t.api, { public: false });
    const hooks = await receiver();
    hooks.answerWith(answer(500, {}, 'x'.repeat(5000)), answer(500), answer(200, {}, 'thanks'));
    const subscription = await subscribe(client, { url: hooks.url });
    const { tokens } = await session(client);
    expect((await refreshAtTokenEndpoint(t.api, client, tokens.refreshToken)).status).toBe(200);

    const requests = await hooks.waitFor(3);
    for (const request of requests) expect(verify(subscription.secret, request).type).toBe('token.refreshed');
    expect(new Set(requests.map((request) => request.headers['webhook-id'])).size).toBe(1);

    const delivery = await waitForDelivery(subscription.id, 'succeeded');
    const log = await deliveries(subscription.id);
    expect(log).toHaveLength(1);
    expect(delivery.eventId).toBe(requests[0]!.headers['webhook-id']);
    expect(delivery.attempts).toBe(3);
    expect(delivery.attemptLog.map((attempt) => attempt.statusCode)).toEqual([500, 500, 200]);
    expect(delivery.attemptLog[0]).toMatchObject({ attempt: 1, error: 'HTTP 500', nextRetryAt: expect.any(String), durationMs: expect.any(Number) });
    expect(delivery.attemptLog[0]!.responseBody).toBe('x'.repeat(2048));
    expect(delivery.attemptLog[2]).toMatchObject({ attempt: 3, error: null, nextRetryAt: null, responseBody: 'thanks' });
    // As the server recorded it: each retry scheduled at least 1 s − 20 % after the failed attempt, and not sent earlier.
    for (const [failed, next] of [delivery.attemptLog.slice(0, 2), delivery.attemptLog.slice(1, 3)]) {
      expect(Date.parse(failed!.nextRetryAt!) - Date.parse(failed!.at)).toBeGreaterThanOrEqual(800);
      expect(Date.parse(next!.at)).toBeGreaterThanOrEqual(Date.parse(failed!.nextRetryAt!));
    }
  });

  it('honours Retry-After (up to twice the scheduled delay)', async () => {
    const client = await createClient(t.api, { public: false });
    const hooks = await receiver();
    hooks.answerWith(answer(503, { 'retry-after': '2' }));
    const subscription = await subscribe(client, { url: hooks.url });
    const { tokens } = await session(client);
    await refreshAtTokenEndpoint(t.api, client, tokens.refreshToken);
    await hooks.waitFor(2);
    const delivery = await waitForDelivery(subscription.id, 'succeeded');
    const [first, second] = delivery.attemptLog;
    expect(first).toMatchObject({ statusCode: 503, error: 'HTTP 503' });
    // The retry the server scheduled, past the attempt itself: the schedule alone says 1 s ± 20 %
    // (at most 1200 ms), Retry-After says 2 s (allowed: twice the scheduled delay).
    expect(Date.parse(first!.nextRetryAt!) - Date.parse(first!.at) - first!.durationMs).toBeGreaterThanOrEqual(1990);
    expect(Date.parse(second!.at)).toBeGreaterThanOrEqual(Date.parse(first!.nextRetryAt!));
  });

  it('takes the status of an answer whose body never ends, reading it only until the timeout', async () => {
    const client = await createClient(t.api, { public: false });
    const hooks = await receiver();
    hooks.setDefault((_, response) => {
      response.writeHead(200, { 'content-type': 'text/plain' });
      response.write('partial');
    });
    const subscription = await subscribe(client, { url: hooks.url });
    const { tokens } = await session(client);
    await refreshAtTokenEndpoint(t.api, client, tokens.refreshToken);
    // The body never ends: the attempt can only be recorded if the reading stopped.
    const delivery = await waitForDelivery(subscription.id, 'succeeded');
    expect(hooks.received).toHaveLength(1);
    expect(delivery.attemptLog).toEqual([expect.objectContaining({ statusCode: 200, responseBody: 'partial', error: null })]);
  });

  it('counts an answer that comes after WEBHOOK_TIMEOUT_MS (3 s) as a timeout, and one just within it as delivered', async () => {
    const client = await createClient(t.api, { public: false });
    const hooks = await receiver();
    const answerAfter =
      (ms: number, status: number): Responder =>
      (_, response) => {
        const timer = setTimeout(() => {
          if (!response.destroyed) response.writeHead(status).end('late enough');
        }, ms);
        response.on('close', () => clearTimeout(timer));
      };
    // 5 s is past the configured 3 s but within the 10 s default: only the configured timeout refuses it.
    hooks.answerWith(answerAfter(5_000, 200), answerAfter(1_500, 200));
    const subscription = await subscribe(client, { url: hooks.url });
    const { tokens } = await session(client);
    expect((await refreshAtTokenEndpoint(t.api, client, tokens.refreshToken)).status).toBe(200);
    const delivery = await waitForDelivery(subscription.id, 'succeeded', 30_000);
    expect(hooks.received).toHaveLength(2);
    expect(delivery.attemptLog).toEqual([
      expect.objectContaining({ attempt: 1, statusCode: null, error: 'timeout: no complete answer in time', nextRetryAt: expect.any(String) }),
      expect.objectContaining({ attempt: 2, statusCode: 200, error: null, responseBody: 'late enough' }),
    ]);
  });

  it('disables the subscription on 410 Gone', async () => {
    const client = await createClient(t.api, { public: false });
    const hooks = await receiver();
    hooks.setDefault(answer(410));
    const subscription = await subscribe(client, { url: hooks.url });
    const { tokens } = await session(client);
    const refreshed = await refreshAtTokenEndpoint(t.api, client, tokens.refreshToken);
    await hooks.waitFor(1);
    const delivery = await waitForDelivery(subscription.id, 'failed');
    expect(delivery.attempts).toBe(1);
    expect((await t.api.get(`/api/webhooks/${subscription.id}`, { headers: basic(client) })).body.enabled).toBe(false);

    // The sentinel: a subscription created now receives the next refresh; once it has, the
    // disabled one would have received it too.
    await subscribe(client, { url: `${hooks.url}/sentinel` });
    expect((await refreshAtTokenEndpoint(t.api, client, refreshed.body.refresh_token)).status).toBe(200);
    await hooks.waitFor(1, 15_000, (request) => request.path === '/hook/sentinel');
    expect(hooks.received.filter((request) => request.path === '/hook')).toHaveLength(1);
    expect(await deliveries(subscription.id)).toHaveLength(1);
  });

  it('treats a redirect as a failure, never follows it, and a failed delivery can be retried by hand', async () => {
    const client = await createClient(t.api, { public: false });
    const hooks = await receiver();
    hooks.setDefault(answer(302, { location: `http://127.0.0.1:${hooks.port}/elsewhere` }));
    const subscription = await subscribe(client, { url: hooks.url });
    const { tokens } = await session(client);
    await refreshAtTokenEndpoint(t.api, client, tokens.refreshToken);
    const delivery = await waitForDelivery(subscription.id, 'failed');
    expect(delivery.attemptLog.map((attempt) => attempt.statusCode)).toEqual([302, 302, 302]);
    expect(delivery.attemptLog[2]!.error).toContain('redirect');
    expect(hooks.received.every((request) => request.path === '/hook')).toBe(true);

    hooks.setDefault(answer(200, {}, 'ok'));
    const retried = await t.api.post(`/api/webhooks/${subscription.id}/deliveries/${delivery.id}/retry`, { headers: basic(client) });
    expect(retried.status).toBe(202);
    const done = await waitForDelivery(subscription.id, 'succeeded');
    expect(done.attemptLog.at(-1)).toMatchObject({ statusCode: 200 });
    expect(hooks.received.at(-1)!.headers['webhook-id']).toBe(delivery.eventId);
  });

  it('signs with both the old and the new secret for a day after a rotation', async () => {
    const client = await createClient(t.api, { public: false });
    const hooks = await receiver();
    const subscription = await subscribe(client, { url: hooks.url });
    const rotated = await t.api.post(`/api/webhooks/${subscription.id}/rotate-secret`, { headers: basic(client) });
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).toMatch(/^whsec_/);
    expect(rotated.body.secret).not.toBe(subscription.secret);
    const overlap = Date.parse(rotated.body.previousSecretExpiresAt) - Date.now();
    expect(overlap).toBeGreaterThan(23.9 * 3600 * 1000);

    const ping = await t.api.post(`/api/webhooks/${subscription.id}/test`, { headers: basic(client) });
    expect(ping.status).toBe(202);
    const [request] = await hooks.waitFor(1);
    expect(verify(subscription.secret, request!)).toMatchObject({ type: 'webhook.test', data: { subscriptionId: subscription.id } });
    expect(verify(rotated.body.secret, request!)).toMatchObject({ type: 'webhook.test' });
    expect(request!.headers['webhook-id']).toBe(ping.body.eventId);
  });

  it('keeps two clients apart: each sees and receives only its own', async () => {
    const alice = await createClient(t.api, { public: false });
    const bob = await createClient(t.api, { public: false });
    const aliceHooks = await receiver();
    const bobHooks = await receiver();
    const aliceSub = await subscribe(alice, { url: aliceHooks.url });
    const bobSub = await subscribe(bob, { url: bobHooks.url });

    const aliceList = await t.api.get('/api/webhooks', { headers: basic(alice) });
    expect(aliceList.status).toBe(200);
    expect(aliceList.body.items.map((item: { id: string }) => item.id)).toEqual([aliceSub.id]);
    expect(aliceList.text).not.toContain('whsec_');
    const adminList = await t.api.get('/api/webhooks?limit=200', { admin: true });
    expect(adminList.body.items.map((item: { id: string }) => item.id)).toEqual(expect.arrayContaining([aliceSub.id, bobSub.id]));

    for (const [method, path, json] of [
      ['GET', `/api/webhooks/${bobSub.id}`, undefined],
      ['PATCH', `/api/webhooks/${bobSub.id}`, { url: aliceHooks.url }],
      ['DELETE', `/api/webhooks/${bobSub.id}`, undefined],
      ['GET', `/api/webhooks/${bobSub.id}/deliveries`, undefined],
      ['POST', `/api/webhooks/${bobSub.id}/rotate-secret`, undefined],
      ['POST', `/api/webhooks/${bobSub.id}/test`, undefined],
    ] as const) {
      const response = await t.api.request(method, path, { headers: basic(alice), ...(json ? { json } : {}) });
      expect({ method, path, status: response.status }).toEqual({ method, path, status: 404 });
      expect(response.text).not.toContain(bobHooks.url);
    }
    expect((await t.api.get(`/api/webhooks/${bobSub.id}`, { headers: basic(bob) })).body.url).toBe(bobHooks.url);

    expect((await t.api.get('/api/webhooks')).status).toBe(401);
    expect((await t.api.get('/api/webhooks', { headers: { authorization: 'Bearer not-the-admin-key' } })).status).toBe(401);
    expect((await t.api.get('/api/webhooks', { headers: basic({ ...alice, clientSecret: 'wrong' }) })).status).toBe(401);
    const otherFilter = await t.api.post('/api/webhooks', { headers: basic(alice), json: { url: aliceHooks.url, clientId: bob.clientId } });
    expect(otherFilter.status).toBe(400);

    const { tokens } = await session(bob);
    await refreshAtTokenEndpoint(t.api, bob, tokens.refreshToken);
    const [bobRequest] = await bobHooks.waitFor(1);
    expect(verify(bobSub.secret, bobRequest!).data.clientId).toBe(bob.clientId);
    // The sentinel: Alice's own refresh, after Bob's, reaches her; Bob's event never does.
    const aliceSession = await session(alice);
    await refreshAtTokenEndpoint(t.api, alice, aliceSession.tokens.refreshToken);
    const [aliceRequest] = await aliceHooks.waitFor(1);
    expect(verify(aliceSub.secret, aliceRequest!).data.clientId).toBe(alice.clientId);
    expect(aliceHooks.received).toHaveLength(1);
    expect(bobHooks.received).toHaveLength(1);

    const patched = await t.api.patch(`/api/webhooks/${aliceSub.id}`, { headers: basic(alice), json: { events: ['token.revoked'], description: 'changed', enabled: false } });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ events: ['token.revoked'], description: 'changed', enabled: false });
    expect(patched.body.secret).toBeUndefined();
    expect((await t.api.delete(`/api/webhooks/${aliceSub.id}`, { headers: basic(alice) })).status).toBe(204);
    expect((await t.api.get(`/api/webhooks/${aliceSub.id}`, { headers: basic(alice) })).status).toBe(404);
  });

  it('refuses internal targets at registration with a 400 that says why', async () => {
    const client = await createClient(t.api, { public: false });
    for (const [url, why] of [
      ['http://169.254.169.254/latest/meta-data/', /link-local or cloud metadata/],
      ['http://10.0.0.1/', /private/],
      ['http://[::1]/', /loopback/],
      ['http://localhost:8080/hook', /localhost resolves to .*loopback/],
      ['http://0177.0.0.2/', /loopback/],
      ['http://[::ffff:10.0.0.1]/', /IPv4-mapped/],
      ['http://100.64.0.1/', /shared/],
      ['http://0.0.0.0/', /unspecified/],
      ['http://[fd00::1]/', /unique-local/],
      ['ftp://example.com/', /http or https/],
      ['not a url', /not a valid absolute URL/],
    ] as const) {
      const response = await t.api.post('/api/webhooks', { headers: basic(client), json: { url } });
      expect({ url, status: response.status }).toEqual({ url, status: 400 });
      expect(response.body.error).toBe('invalid_request');
      expect(response.body.message).toMatch(/^Webhook URL refused: /);
      expect(response.body.message).toMatch(why);
    }
    const hooks = await receiver();
    const subscription = await subscribe(client, { url: hooks.url });
    const patched = await t.api.patch(`/api/webhooks/${subscription.id}`, { headers: basic(client), json: { url: 'http://192.168.1.10/' } });
    expect(patched.status).toBe(400);
    expect(patched.body.message).toMatch(/private/);
    const badEvents = await t.api.post('/api/webhooks', { headers: basic(client), json: { url: hooks.url, events: ['token.stolen'] } });
    expect(badEvents.status).toBe(400);
    expect(badEvents.body.message).toMatch(/each event must be one of/);
  });

  it('answers bad input with a clear 400', async () => {
    const client = await createClient(t.api, { public: false });
    for (const json of [{ url: 123 }, { url: 'http://127.0.0.1/', extra: true }, {}, { url: 'http://127.0.0.1/', events: 'token.refreshed' }, { url: 'http://127.0.0.1/', clientId: 'nope' }]) {
      const response = await t.api.post('/api/webhooks', { headers: basic(client), json });
      expect({ json, status: response.status }).toEqual({ json, status: 400 });
      expect(response.body.message).toEqual(expect.any(String));
    }
    expect((await t.api.get('/api/webhooks/not-a-uuid', { headers: basic(client) })).status).toBe(400);
    expect((await t.api.get('/api/webhooks?limit=0', { headers: basic(client) })).status).toBe(400);
    const unknownClient = await t.api.post('/api/webhooks', { admin: true, json: { url: 'http://127.0.0.1/', clientId: '00000000-0000-4000-8000-000000000000' } });
    expect(unknownClient.status).toBe(400);
  });

  it('never delays a refresh response, even when the receiver never answers', async () => {
    const client = await createClient(t.api, { public: false });
    const hooks = await receiver();
    hooks.setDefault(hang);
    const subscription = await subscribe(client, { url: hooks.url });
    const { tokens } = await session(client);
    const first = await refreshAtTokenEndpoint(t.api, client, tokens.refreshToken);
    expect(first.status).toBe(200);
    await hooks.waitFor(1);
    expect(hooks.openRequests).toBe(1);

    const second = await refreshAtTokenEndpoint(t.api, client, first.body.refresh_token);
    expect(second.status).toBe(200);
    // The refresh answered while the receiver still holds the first attempt (its connection open,
    // no attempt recorded): it did not wait for the delivery nor for its timeout.
    expect(hooks.openRequests).toBeGreaterThanOrEqual(1);
    const pending = await deliveries(subscription.id);
    expect(pending.length).toBeGreaterThanOrEqual(1);
    expect(pending.every((delivery) => delivery.status === 'pending')).toBe(true);
    expect(pending.find((delivery) => delivery.eventId === hooks.received[0]!.headers['webhook-id'])?.attemptLog).toEqual([]);
  });
});
