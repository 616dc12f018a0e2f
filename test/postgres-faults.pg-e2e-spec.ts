/**
 * PostgreSQL faults, through a TCP proxy between the server and the machine's PostgreSQL
 * (which is never stopped). Runs in the PostgreSQL pass only: jest.config.mjs selects
 * `*.pg-e2e-spec.ts` files when DATABASE_URL is set, and says so when it is not.
 */
import { metricValue, expectTemporarilyUnavailable, RotatingFamilies, settlesWithin } from './support/fault-scenario.js';
import { TcpProxy } from './support/tcp-proxy.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { WebhookReceiver } from './support/webhook-receiver.js';

const serverUrl = process.env.DATABASE_URL;
if (!serverUrl) throw new Error('postgres-faults.pg-e2e-spec.ts needs DATABASE_URL (the PostgreSQL pass sets it)');

/** Far longer than the 1 s budgets below; a request still waiting then waited for the outage. */
const BOUND_MS = 15_000;
const RETRY_AFTER = '3';

describe('PostgreSQL unreachable, silent or cutting connections (TCP proxy)', () => {
  let proxy: TcpProxy;
  let t: TestApp;
  let receiver: WebhookReceiver;
  let scenario: RotatingFamilies;

  beforeAll(async () => {
    const target = new URL(serverUrl);
    proxy = await TcpProxy.start({ host: target.hostname, port: Number(target.port || 5432) });
    const proxied = new URL(serverUrl);
    proxied.hostname = '127.0.0.1';
    proxied.port = String(proxy.port);
    receiver = await WebhookReceiver.start();
    t = await startTestApp({
      env: {
        DATABASE_URL: proxied.toString(),
        DATABASE_CONNECT_TIMEOUT_MS: '1000',
        DATABASE_STATEMENT_TIMEOUT_MS: '1000',
        DATABASE_RETRY_AFTER_SECONDS: RETRY_AFTER,
        WEBHOOK_ALLOWED_HOSTS: '127.0.0.1',
        // A fan-out that failed during the outage is picked up by the sweeper: soon, here.
        WEBHOOK_SWEEP_MS: '500',
        // No grace: a rotation answered 503 that had committed after all would make the
        // family's next refresh a reuse, and the checks below would see it revoked.
        REFRESH_REUSE_GRACE_SECONDS: '0',
      },
    });
    scenario = await RotatingFamilies.start(t, receiver, 4);
  }, 60_000);

  afterAll(async () => {
    await proxy?.set('pass');
    await t?.close();
    await proxy?.close();
    await receiver?.close();
  });

  const scrape = async () => (await t.api.get('/metrics')).text;

  it('answers 503 with Retry-After within its budget through hold, cut and refuse, then recovers without a restart', async () => {
    expect((await scenario.rotateAll()).map(({ response }) => response.status)).toEqual([200, 200, 200, 200]);
    const before = await scrape();

    // Hold: connections stay open and nothing comes back (a partition or a failover).
    await proxy.set('hold');
    const held = await settlesWithin(BOUND_MS, scenario.rotateAll(), 'a refresh while PostgreSQL is silent');
    for (const result of held) expectTemporarilyUnavailable(result, RETRY_AFTER);
    const heldReady = await settlesWithin(BOUND_MS, t.api.get('/health/ready'), 'readiness while PostgreSQL is silent');
    expect(heldReady.status).toBe(503);
    expect(heldReady.body.error).toMatchObject({ database: { status: 'down' } });
    expect((await t.api.get('/health/live')).status).toBe(200);

    // Cut: every open connection reset, and every new one as it arrives.
    await proxy.set('cut');
    for (const result of await settlesWithin(BOUND_MS, scenario.rotateAll(), 'a refresh while connections are cut')) {
      expectTemporarilyUnavailable(result, RETRY_AFTER);
    }
    expect((await settlesWithin(BOUND_MS, t.api.get('/health/ready'), 'readiness while connections are cut')).status).toBe(503);

    // Refuse: nothing listens any more.
    await proxy.set('refuse');
    for (const result of await settlesWithin(BOUND_MS, scenario.rotateAll(), 'a refresh while connections are refused')) {
      expectTemporarilyUnavailable(result, RETRY_AFTER);
    }
    expect((await t.api.get('/health/live')).status).toBe(200);

    const during = await scrape();
    for (const cause of ['timeout', 'unavailable']) {
      const series = `database_faults_total{cause="${cause}"}`;
      expect(metricValue(during, series)).toBeGreaterThan(metricValue(before, series));
    }

    // Back: the same process serves again.
    await proxy.set('pass');
    const ready = await t.api.get('/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body.info).toMatchObject({ database: { status: 'up' }, writes: { status: 'up' } });
    expect((await scenario.rotateAll()).map(({ response }) => response.status)).toEqual([200, 200, 200, 200]);
  }, 120_000);

  it("kept every rotation answered 200 as its family's live token, and delivered every event", async () => {
    for (const family of scenario.families) {
      const introspection = await t.api.post('/oauth/introspect', { admin: true, form: { token: family.token } });
      expect(introspection.body).toMatchObject({ active: true, token_type: 'refresh_token' });
    }
    // Grace is 0: each of these would be a reuse (invalid, family revoked) had any 503 consumed the token.
    expect((await scenario.rotateAll()).map(({ response }) => response.status)).toEqual([200, 200, 200, 200]);
    // Distinct events: delivery is at least once, and a fault can make one arrive twice.
    await receiver.waitForEvents(scenario.answered.length, 30_000, (request) => request.body?.type === 'token.refreshed');
    const events = RotatingFamilies.refreshedEvents(receiver);
    expect(events.map((event) => event.familyId).sort()).toEqual([...scenario.answered].sort());
  }, 60_000);
});
