// e2e: black-box
import { jest } from '@jest/globals';
import { Webhook } from 'standardwebhooks';
import { createClient, createUser, login, refreshAtTokenEndpoint, type ClientFixture } from './support/fixtures.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { answer, WebhookReceiver, type ReceivedWebhook } from './support/webhook-receiver.js';

jest.setTimeout(60_000);

/**
 * Webhooks as a deployment delivers them (SPEC §4), to a receiver this suite starts on the QA
 * machine (E2E_RECEIVER_HOST / E2E_RECEIVER_PORT / E2E_RECEIVER_URL, see README). The
 * deployment must exempt that host from the SSRF rules (WEBHOOK_ALLOWED_HOSTS) and keep the
 * default retry schedule (a second attempt 5 s after the first).
 */
const basicOf = (client: ClientFixture) => ({
  authorization: `Basic ${Buffer.from(`${encodeURIComponent(client.clientId)}:${encodeURIComponent(client.clientSecret!)}`).toString('base64')}`,
});

type Message = { type: string; timestamp: string; data: Record<string, unknown> };
const verify = (secret: string, request: ReceivedWebhook) => new Webhook(secret).verify(request.rawBody, request.headers as Record<string, string>) as Message;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('Black-box: webhooks to a receiver on the QA machine', () => {
  let t: TestApp;
  let receiver: WebhookReceiver;
  let base: string;
  let seq = 0;

  beforeAll(async () => {
    receiver = await WebhookReceiver.forDeployment();
    t = await startTestApp({ expects: { WEBHOOK_ALLOWED_HOSTS: '127.0.0.1' } });
    base = receiver.url;
  });
  afterAll(async () => {
    await t.close();
    await receiver.close();
  });

  /** A path of its own for each subscription, so tests sharing the one receiver never mix. */
  const route = () => `${base}/${++seq}`;
  const at = (url: string) => (request: ReceivedWebhook) => request.path === new URL(url).pathname;

  async function subscribe(owner: ClientFixture | 'admin', body: Record<string, unknown>) {
    const response = await t.api.post('/api/webhooks', owner === 'admin' ? { admin: true, json: body } : { headers: basicOf(owner), json: body });
    if (response.status !== 201) throw new Error(`subscribe: ${response.status} ${response.text}`);
    return response.body as { id: string; url: string; events: string[]; enabled: boolean; secret: string };
  }

  async function deliveries(id: string) {
    const response = await t.api.get(`/api/webhooks/${id}/deliveries`, { admin: true });
    expect(response.status).toBe(200);
    return response.body.items as Array<{ id: string; eventId: string; status: string; attempts: number; attemptLog: Array<{ statusCode: number | null; error: string | null }> }>;
  }

  async function waitForDelivery(id: string, status: string, timeoutMs = 20_000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const [delivery] = await deliveries(id);
      if (delivery?.status === status) return delivery;
      if (Date.now() > deadline) throw new Error(`delivery of ${id} did not become ${status}: ${JSON.stringify(delivery)}`);
      await sleep(200);
    }
  }

  async function refreshOnce(client: ClientFixture) {
    const user = await createUser(t.api);
    const tokens = await login(t.api, user, client);
    const refreshed = await refreshAtTokenEndpoint(t.api, client, tokens.refreshToken);
    expect(refreshed.status).toBe(200);
    return { user, tokens, refreshed };
  }

  describe('delivery', () => {
    it('delivers token.refreshed, signed (Standard Webhooks), with ids only and never a token or secret', async () => {
      const client = await createClient(t.api, { public: false });
      const url = route();
      const subscription = await subscribe(client, { url });
      const { user, tokens, refreshed } = await refreshOnce(client);
      const [request] = await receiver.waitFor(1, 20_000, at(url));
      expect(request!.headers['content-type']).toBe('application/json');
      expect(request!.headers['webhook-id']).toMatch(/^[0-9a-f-]{36}$/);
      const message = verify(subscription.secret, request!);
      expect(message.type).toBe('token.refreshed');
      expect(message.data).toMatchObject({ userId: user.id, clientId: client.clientId, familyId: tokens.refreshTokenId, rotation: 1, replay: false, scope: 'openid profile offline_access' });
      for (const secret of [tokens.refreshToken, tokens.token, refreshed.body.refresh_token, refreshed.body.access_token, client.clientSecret!, subscription.secret]) {
        expect(request!.rawBody).not.toContain(secret);
        expect(JSON.stringify(request!.headers)).not.toContain(secret);
      }
    });

    it('rejects a signature checked with another secret', async () => {
      const client = await createClient(t.api, { public: false });
      const url = route();
      await subscribe(client, { url });
      await refreshOnce(client);
      const [request] = await receiver.waitFor(1, 20_000, at(url));
      expect(() => verify(`whsec_${Buffer.from('another secret of 32 bytes......').toString('base64')}`, request!)).toThrow();
    });

    it('announces login, a grace replay, reuse and revocation to an admin subscription filtered by client', async () => {
      const client = await createClient(t.api, { public: false });
      const url = route();
      const subscription = await subscribe('admin', { url, clientId: client.clientId, events: ['token.issued', 'token.refreshed', 'token.reuse_detected', 'token.revoked'] });
      const user = await createUser(t.api);
      const tokens = await login(t.api, user, client);
      const second = await refreshAtTokenEndpoint(t.api, client, tokens.refreshToken);
      const replay = await refreshAtTokenEndpoint(t.api, client, tokens.refreshToken);
      expect(replay.body.refresh_token).toBe(second.body.refresh_token);
      const third = await refreshAtTokenEndpoint(t.api, client, second.body.refresh_token);
      expect(third.status).toBe(200);
      // The consumed first token after its successor was used: reuse, the family is revoked.
      expect((await refreshAtTokenEndpoint(t.api, client, tokens.refreshToken)).status).toBe(400);
      const requests = await receiver.waitFor(6, 20_000, at(url));
      const messages = requests.map((request) => verify(subscription.secret, request));
      expect(messages.map((message) => message.type).sort()).toEqual(['token.issued', 'token.refreshed', 'token.refreshed', 'token.refreshed', 'token.reuse_detected', 'token.revoked']);
      const refreshes = messages.filter((message) => message.type === 'token.refreshed').map((message) => message.data.replay);
      expect(refreshes.sort()).toEqual([false, false, true]);
      expect(messages.find((message) => message.type === 'token.revoked')!.data).toMatchObject({ familyId: tokens.refreshTokenId, reason: 'reuse_detected' });
      expect(messages.every((message) => message.data.clientId === client.clientId)).toBe(true);
    });

    it('announces a logout as token.revoked', async () => {
      const client = await createClient(t.api, { public: true });
      const url = route();
      const subscription = await subscribe('admin', { url, clientId: client.clientId, events: ['token.revoked'] });
      const user = await createUser(t.api);
      const tokens = await login(t.api, user, client);
      expect((await t.api.post('/api/auth/logout', { json: { refreshToken: tokens.refreshToken } })).status).toBe(200);
      const [request] = await receiver.waitFor(1, 20_000, at(url));
      expect(verify(subscription.secret, request!)).toMatchObject({ type: 'token.revoked', data: { familyId: tokens.refreshTokenId, reason: 'logout' } });
    });

    it('sends only events committed after the subscription was created, and only the chosen types', async () => {
      const client = await createClient(t.api, { public: false });
      const before = await refreshOnce(client);
      const url = route();
      const subscription = await subscribe(client, { url, events: ['token.refreshed'] });
      // A login (token.issued, not chosen), then a refresh: the refresh is the one event due.
      const after = await refreshOnce(client);
      const [request] = await receiver.waitFor(1, 20_000, at(url));
      expect(verify(subscription.secret, request!).data.familyId).toBe(after.tokens.refreshTokenId);
      // The sentinel: one more refresh; once it is in, anything else would be too.
      await refreshAtTokenEndpoint(t.api, client, after.refreshed.body.refresh_token);
      const requests = await receiver.waitFor(2, 20_000, at(url));
      expect(requests).toHaveLength(2);
      expect(requests.map((received) => verify(subscription.secret, received).data.familyId)).not.toContain(before.tokens.refreshTokenId);
    });

    it('retries a 500 under the same webhook-id, signing each attempt afresh, and logs both attempts', async () => {
      const client = await createClient(t.api, { public: false });
      const url = route();
      receiver.answerWith(answer(500, {}, 'try later'));
      const subscription = await subscribe(client, { url });
      await refreshOnce(client);
      const [first, second] = await receiver.waitFor(2, 30_000, at(url));
      expect(second!.headers['webhook-id']).toBe(first!.headers['webhook-id']);
      expect(Number(second!.headers['webhook-timestamp'])).toBeGreaterThan(Number(first!.headers['webhook-timestamp']));
      expect(verify(subscription.secret, second!).type).toBe('token.refreshed');
      const delivery = await waitForDelivery(subscription.id, 'succeeded');
      expect(delivery.attempts).toBe(2);
      expect(delivery.attemptLog.map((attempt) => [attempt.statusCode, attempt.error])).toEqual([
        [500, 'HTTP 500'],
        [204, null],
      ]);
    });

    it('disables the subscription on 410 Gone and sends it nothing more', async () => {
      const client = await createClient(t.api, { public: false });
      const url = route();
      receiver.answerWith(answer(410));
      const subscription = await subscribe(client, { url });
      const { refreshed } = await refreshOnce(client);
      await receiver.waitFor(1, 20_000, at(url));
      const delivery = await waitForDelivery(subscription.id, 'failed');
      expect(delivery.attempts).toBe(1);
      expect((await t.api.get(`/api/webhooks/${subscription.id}`, { headers: basicOf(client) })).body.enabled).toBe(false);
      const sentinel = route();
      await subscribe(client, { url: sentinel });
      await refreshAtTokenEndpoint(t.api, client, refreshed.body.refresh_token);
      await receiver.waitFor(1, 20_000, at(sentinel));
      expect(receiver.received.filter(at(url))).toHaveLength(1);
    });

    it('does not follow a redirect: the attempt is logged as a failure and the target is not called', async () => {
      const client = await createClient(t.api, { public: false });
      const url = route();
      const elsewhere = `${url}-elsewhere`;
      receiver.answerWith(answer(302, { location: elsewhere }));
      const subscription = await subscribe(client, { url });
      await refreshOnce(client);
      await receiver.waitFor(1, 20_000, at(url));
      let delivery = (await deliveries(subscription.id))[0];
      for (let i = 0; i < 50 && !delivery?.attemptLog.length; i++) {
        await sleep(100);
        delivery = (await deliveries(subscription.id))[0];
      }
      expect(delivery!.attemptLog[0]).toMatchObject({ statusCode: 302, error: expect.stringContaining('redirect') });
      // The sentinel: the scheduled second attempt (5 s later) arrives at the subscription's own URL.
      await receiver.waitFor(2, 30_000, at(url));
      expect(receiver.received.filter(at(elsewhere))).toEqual([]);
    });

    it('sends a webhook.test event on demand, and retries a delivery by hand', async () => {
      const client = await createClient(t.api, { public: false });
      const url = route();
      const subscription = await subscribe(client, { url });
      const ping = await t.api.post(`/api/webhooks/${subscription.id}/test`, { headers: basicOf(client) });
      expect(ping.status).toBe(202);
      expect(ping.body).toEqual({ deliveryId: expect.any(String), eventId: expect.any(String) });
      const [request] = await receiver.waitFor(1, 20_000, at(url));
      expect(request!.headers['webhook-id']).toBe(ping.body.eventId);
      expect(verify(subscription.secret, request!)).toMatchObject({ type: 'webhook.test', data: { subscriptionId: subscription.id } });
      await waitForDelivery(subscription.id, 'succeeded');
      const retried = await t.api.post(`/api/webhooks/${subscription.id}/deliveries/${ping.body.deliveryId}/retry`, { headers: basicOf(client) });
      expect(retried.status).toBe(202);
      const again = await receiver.waitFor(2, 20_000, at(url));
      expect(again[1]!.headers['webhook-id']).toBe(ping.body.eventId);
    });

    it('signs with the old and the new secret after a rotation', async () => {
      const client = await createClient(t.api, { public: false });
      const url = route();
      const subscription = await subscribe(client, { url });
      const rotated = await t.api.post(`/api/webhooks/${subscription.id}/rotate-secret`, { headers: basicOf(client) });
      expect(rotated.status).toBe(200);
      expect(rotated.body.secret).toMatch(/^whsec_/);
      expect(rotated.body.secret).not.toBe(subscription.secret);
      await t.api.post(`/api/webhooks/${subscription.id}/test`, { headers: basicOf(client) });
      const [request] = await receiver.waitFor(1, 20_000, at(url));
      expect(String(request!.headers['webhook-signature']).split(' ')).toHaveLength(2);
      expect(verify(subscription.secret, request!).type).toBe('webhook.test');
      expect(verify(rotated.body.secret, request!).type).toBe('webhook.test');
    });
  });

  describe('subscriptions API', () => {
    it('creates with defaults, shows the secret once, lists, reads, patches and deletes', async () => {
      const client = await createClient(t.api, { public: false });
      const url = route();
      const created = await subscribe(client, { url, description: 'black-box' });
      expect(created).toMatchObject({ url, events: ['token.refreshed'], enabled: true });
      expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
      const listed = await t.api.get('/api/webhooks', { headers: basicOf(client) });
      expect(listed.body.items.map((item: { id: string }) => item.id)).toEqual([created.id]);
      expect(listed.text).not.toContain('whsec_');
      const read = await t.api.get(`/api/webhooks/${created.id}`, { headers: basicOf(client) });
      expect(read.body).toMatchObject({ id: created.id, url, description: 'black-box' });
      expect(read.body.secret).toBeUndefined();
      const patched = await t.api.patch(`/api/webhooks/${created.id}`, { headers: basicOf(client), json: { events: ['token.revoked'], enabled: false, description: null } });
      expect(patched.status).toBe(200);
      expect(patched.body).toMatchObject({ events: ['token.revoked'], enabled: false, description: null });
      expect((await t.api.delete(`/api/webhooks/${created.id}`, { headers: basicOf(client) })).status).toBe(204);
      expect((await t.api.get(`/api/webhooks/${created.id}`, { headers: basicOf(client) })).status).toBe(404);
    });

    it.each([
      ['GET', ''],
      ['PATCH', ''],
      ['DELETE', ''],
      ['POST', '/rotate-secret'],
      ['POST', '/test'],
      ['GET', '/deliveries'],
    ])("answers %s of another client's subscription%s with 404 and none of its data", async (method, suffix) => {
      const owner = await createClient(t.api, { public: false });
      const intruder = await createClient(t.api, { public: false });
      const url = route();
      const subscription = await subscribe(owner, { url });
      const response = await t.api.request(method, `/api/webhooks/${subscription.id}${suffix}`, { headers: basicOf(intruder), ...(method === 'PATCH' ? { json: { enabled: false } } : {}) });
      expect(response.status).toBe(404);
      expect(response.text).not.toContain(url);
      expect((await t.api.get(`/api/webhooks/${subscription.id}`, { headers: basicOf(owner) })).body).toMatchObject({ enabled: true, url });
    });

    it.each([
      ['no credentials', {}],
      ['a wrong client secret', { authorization: `Basic ${Buffer.from('00000000-0000-4000-8000-000000000000:wrong').toString('base64')}` }],
      ['a wrong admin key', { authorization: 'Bearer not-the-admin-key-not-the-admin-key' }],
    ])('answers a caller with %s with 401', async (_, headers) => {
      const response = await t.api.get('/api/webhooks', { headers });
      expect(response.status).toBe(401);
      expect(response.body).toEqual({ error: expect.any(String), message: expect.any(String) });
    });

    it.each([
      ['http://169.254.169.254/latest/meta-data/', /link-local or cloud metadata/],
      ['http://10.0.0.1/', /private/],
      ['http://192.168.1.10/', /private/],
      ['http://[::1]/', /loopback/],
      ['http://0177.0.0.2/', /loopback/],
      ['http://[::ffff:10.0.0.1]/', /IPv4-mapped/],
      ['http://100.64.0.1/', /shared/],
      ['http://0.0.0.0/', /unspecified/],
      ['http://[fd00::1]/', /unique-local/],
      ['http://metadata.google.internal/', /metadata/],
      ['ftp://example.com/', /http or https/],
      ['not a url', /not a valid absolute URL/],
    ])('refuses the target %s at registration with a 400 that says why', async (url, why) => {
      const client = await createClient(t.api, { public: false });
      const response = await t.api.post('/api/webhooks', { headers: basicOf(client), json: { url } });
      expect(response.status).toBe(400);
      expect(response.body).toEqual({ error: 'invalid_request', message: expect.stringMatching(/^Webhook URL refused: /) });
      expect(response.body.message).toMatch(why);
    });

    it('refuses an unknown event type and a clientId filter from an integrator', async () => {
      const client = await createClient(t.api, { public: false });
      const other = await createClient(t.api, { public: false });
      const badEvent = await t.api.post('/api/webhooks', { headers: basicOf(client), json: { url: route(), events: ['token.stolen'] } });
      expect(badEvent.status).toBe(400);
      expect(badEvent.body.message).toMatch(/each event must be one of/);
      const foreignFilter = await t.api.post('/api/webhooks', { headers: basicOf(client), json: { url: route(), clientId: other.clientId } });
      expect(foreignFilter.status).toBe(400);
    });
  });
});
