import { jest } from '@jest/globals';
import { HOST_RESOLVER, type HostResolver } from '../src/webhook/host-resolver.js';
import { createClient, createUser, login, refreshAtTokenEndpoint, type ClientFixture } from './support/fixtures.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { WebhookReceiver } from './support/webhook-receiver.js';

jest.setTimeout(60_000);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A public address (example.com's); nothing ever connects to it in these tests. */
const PUBLIC_ADDRESS = '93.184.215.14';

/**
 * The connect-time SSRF check (SPEC §4) with a resolver the test controls, and no
 * WEBHOOK_ALLOWED_HOSTS exemption: a name that resolves to a public address when it is
 * registered and to 127.0.0.1 (where a real receiver listens) when the event is delivered.
 */
describe('Webhook SSRF: DNS rebinding between registration and delivery', () => {
  let t: TestApp;
  let receiver: WebhookReceiver;
  const answers = new Map<string, string>();
  const lookups: Array<{ host: string; address: string }> = [];
  const resolver: HostResolver = {
    resolve: async (host) => {
      const address = answers.get(host);
      if (!address) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
      lookups.push({ host, address });
      return [{ address, family: 4 }];
    },
  };

  beforeAll(async () => {
    receiver = await WebhookReceiver.start();
    t = await startTestApp({
      env: { WEBHOOK_ALLOWED_HOSTS: undefined, WEBHOOK_RETRY_SCHEDULE: '0', WEBHOOK_POLL_MS: '100', REFRESH_REUSE_GRACE_SECONDS: '0' },
      override: (builder) => builder.overrideProvider(HOST_RESOLVER).useValue(resolver),
    });
  });
  afterAll(async () => {
    await t.close();
    await receiver.close();
  });

  const basic = (client: ClientFixture) => ({
    authorization: `Basic ${Buffer.from(`${encodeURIComponent(client.clientId)}:${encodeURIComponent(client.clientSecret!)}`).toString('base64')}`,
  });

  it('refuses at registration a name that resolves to a private address, saying which', async () => {
    const client = await createClient(t.api, { public: false });
    answers.set('inside.rebind.test', '10.1.2.3');
    const refused = await t.api.post('/api/webhooks', { headers: basic(client), json: { url: `http://inside.rebind.test:${receiver.port}/hook` } });
    expect(refused.status).toBe(400);
    expect(refused.body).toEqual({ error: 'invalid_request', message: 'Webhook URL refused: inside.rebind.test resolves to 10.1.2.3, a private address' });
  });

  it('does not call a name that resolved public at registration and resolves to 127.0.0.1 at delivery; the attempt is recorded as refused', async () => {
    const client = await createClient(t.api, { public: false });
    const host = 'rebinding.rebind.test';
    answers.set(host, PUBLIC_ADDRESS);
    const created = await t.api.post('/api/webhooks', { headers: basic(client), json: { url: `http://${host}:${receiver.port}/hook` } });
    expect(created.status).toBe(201);
    expect(lookups).toContainEqual({ host, address: PUBLIC_ADDRESS });

    // The rebinding: from now on the name points at the receiver on the loopback interface.
    answers.set(host, '127.0.0.1');
    const user = await createUser(t.api);
    const tokens = await login(t.api, user, client);
    expect((await refreshAtTokenEndpoint(t.api, client, tokens.refreshToken)).status).toBe(200);

    // The sentinel: the delivery's one attempt is on record (it would be after a call too).
    let delivery: { status: string; attempts: number; attemptLog: Array<{ statusCode: number | null; error: string | null }> } | undefined;
    for (let i = 0; i < 150 && delivery?.status !== 'failed'; i++) {
      if (i > 0) await sleep(100);
      const listed = await t.api.get(`/api/webhooks/${created.body.id}/deliveries`, { headers: basic(client) });
      expect(listed.status).toBe(200);
      delivery = listed.body.items[0];
    }
    expect(delivery).toMatchObject({ status: 'failed', attempts: 1 });
    expect(delivery!.attemptLog).toEqual([
      expect.objectContaining({ statusCode: null, error: `Webhook URL refused: ${host} resolves to 127.0.0.1, a loopback address` }),
    ]);
    // The name was looked up again at delivery, and the receiver it pointed to got nothing.
    expect(lookups).toContainEqual({ host, address: '127.0.0.1' });
    expect(receiver.received).toEqual([]);
    const metrics = await t.api.get('/metrics');
    expect(metrics.text).toMatch(/^webhook_attempts_total\{outcome="refused"\} 1$/m);
  });
});
