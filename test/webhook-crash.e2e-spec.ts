import { jest } from '@jest/globals';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { Webhook } from 'standardwebhooks';
import { ApiClient } from './support/api-client.js';
import { createClient, createUser, login, refreshAtTokenEndpoint, type ClientFixture } from './support/fixtures.js';
import { createScratchDatabase, type ScratchDatabase } from './support/postgres-database.js';
import { ensureBuilt, freePort, RestartableServer, sharedSecrets } from './support/server-process.js';
import { answer, hang, WebhookReceiver } from './support/webhook-receiver.js';

jest.setTimeout(180_000);

const pgServer = process.env.DATABASE_URL;

/**
 * The built server as a child process, killed with SIGKILL at the worst moments: a
 * refresh that answered 200 must still reach the receiver after a restart. On a fresh
 * PostgreSQL database when DATABASE_URL is set, otherwise on a SQLite DATA_DIR.
 */
describe(`Webhook delivery survives a crash (${pgServer ? 'PostgreSQL' : 'SQLite'})`, () => {
  let dataDir: string;
  let scratch: ScratchDatabase | undefined;
  let server: RestartableServer;
  let api: ApiClient;
  let receiver: WebhookReceiver;
  let client: ClientFixture;
  const env: Record<string, string> = {};

  beforeAll(async () => {
    ensureBuilt();
    dataDir = mkdtempSync(join(tmpdir(), 'rts-crash-'));
    scratch = pgServer ? await createScratchDatabase(pgServer) : undefined;
    Object.assign(env, {
      DATABASE_URL: scratch?.url ?? '',
      NODE_ENV: 'test',
      DATA_DIR: dataDir,
      ...sharedSecrets(),
      RATE_LIMIT: 'off',
      LOG_LEVEL: 'warn',
      WEBHOOK_ALLOWED_HOSTS: '127.0.0.1',
      WEBHOOK_RETRY_SCHEDULE: '0,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2',
      WEBHOOK_TIMEOUT_MS: '1000',
      WEBHOOK_POLL_MS: '100',
    });
    server = new RestartableServer(env, await freePort());
    await server.start();
    api = new ApiClient(server.baseUrl, env.ADMIN_API_KEY!);
    receiver = await WebhookReceiver.start();
  });

  afterAll(async () => {
    await server?.stop('SIGKILL');
    await receiver?.close();
    await scratch?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** Each test has its own client, so each subscription sees only its own test's events. */
  async function subscribe(url: string): Promise<{ id: string; secret: string }> {
    client = await createClient(api, { public: false });
    const response = await api.post('/api/webhooks', { admin: true, json: { url, clientId: client.clientId } });
    expect(response.status).toBe(201);
    return response.body;
  }

  async function refreshOnce(): Promise<void> {
    const user = await createUser(api);
    const tokens = await login(api, user, client);
    const response = await refreshAtTokenEndpoint(api, client, tokens.refreshToken);
    expect(response.status).toBe(200);
  }

  /** Read from the storage itself, by a connection of our own: what the killed process committed. */
  async function refreshedEventIds(): Promise<string[]> {
    const sql = `SELECT id FROM outbox_events WHERE type = 'token.refreshed' ORDER BY created_at`;
    if (scratch) {
      const db = new pg.Client({ connectionString: scratch.url });
      await db.connect();
      try {
        return (await db.query<{ id: string }>(sql)).rows.map((row) => row.id);
      } finally {
        await db.end();
      }
    }
    const db = new Database(join(dataDir, 'refresh-tokens.sqlite'), { readonly: true });
    try {
      return (db.prepare(sql).all() as { id: string }[]).map((row) => row.id);
    } finally {
      db.close();
    }
  }

  async function restart(): Promise<void> {
    server = new RestartableServer(env, server.port);
    await server.start();
  }

  it('delivers a refresh committed just before SIGKILL, with the receiver down, after the restart', async () => {
    await receiver.close();
    const subscription = await subscribe(`${receiver.url}/down`);
    await refreshOnce();
    expect(await server.stop('SIGKILL')).toEqual({ code: null, signal: 'SIGKILL' });

    const [eventId] = await refreshedEventIds();
    expect(eventId).toBeDefined();
    await restart();
    await receiver.listen();
    const [request] = await receiver.waitFor(1, 30_000, (received) => received.path === '/hook/down');
    expect(request!.headers['webhook-id']).toBe(eventId);
    expect(new Webhook(subscription.secret).verify(request!.rawBody, request!.headers as Record<string, string>)).toMatchObject({ type: 'token.refreshed' });
  });

  it('resumes a delivery that was mid-retry when the server was killed', async () => {
    receiver.answerWith(answer(500));
    const subscription = await subscribe(`${receiver.url}/mid-retry`);
    await refreshOnce();
    const [first] = await receiver.waitFor(1, 30_000, (received) => received.path === '/hook/mid-retry');
    // Killed once the failed first attempt is on record, with its retry scheduled.
    for (let i = 0; i < 100; i++) {
      const [delivery] = (await api.get(`/api/webhooks/${subscription.id}/deliveries`, { admin: true })).body.items as Array<{ attempts: number }>;
      if (delivery && delivery.attempts >= 1) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(await server.stop('SIGKILL')).toEqual({ code: null, signal: 'SIGKILL' });

    await restart();
    const requests = await receiver.waitFor(2, 30_000, (received) => received.path === '/hook/mid-retry');
    expect(requests.map((received) => received.headers['webhook-id'])).toEqual([first!.headers['webhook-id'], first!.headers['webhook-id']]);
    expect(await refreshedEventIds()).toContain(first!.headers['webhook-id']);
    expect(new Webhook(subscription.secret).verify(requests[1]!.rawBody, requests[1]!.headers as Record<string, string>)).toMatchObject({ type: 'token.refreshed' });
  });

  it('takes over an attempt whose process died holding the lease, and stops cleanly on SIGTERM', async () => {
    receiver.answerWith(hang);
    const subscription = await subscribe(`${receiver.url}/leased`);
    await refreshOnce();
    const [first] = await receiver.waitFor(1, 30_000, (received) => received.path === '/hook/leased');
    expect(await server.stop('SIGKILL')).toEqual({ code: null, signal: 'SIGKILL' });

    await restart();
    // The dead process's lease (WEBHOOK_TIMEOUT_MS + 5 s) has to run out first.
    const requests = await receiver.waitFor(2, 40_000, (received) => received.path === '/hook/leased');
    expect(requests[1]!.headers['webhook-id']).toBe(first!.headers['webhook-id']);
    expect(requests[1]!.receivedAt - first!.receivedAt).toBeGreaterThanOrEqual(5_000);
    let status = 'pending';
    for (let i = 0; i < 50 && status === 'pending'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      status = (await api.get(`/api/webhooks/${subscription.id}/deliveries`, { admin: true })).body.items[0].status;
    }
    expect(status).toBe('succeeded');

    // Nest re-raises the signal once its shutdown hooks (the dispatcher's included) are done.
    expect(await server.stop('SIGTERM')).toEqual({ code: null, signal: 'SIGTERM' });
    expect(server.output).not.toMatch(/error/i);
  });

  it('sends each event once when two server processes share the database', async () => {
    await restart();
    const second = new RestartableServer(env, await freePort());
    await second.start();
    try {
      const subscription = await subscribe(`${receiver.url}/two-processes`);
      const secondApi = new ApiClient(second.baseUrl, env.ADMIN_API_KEY!);
      for (let i = 0; i < 6; i++) {
        const via = i % 2 === 0 ? api : secondApi;
        const user = await createUser(via);
        const tokens = await login(via, user, client);
        expect((await refreshAtTokenEndpoint(via, client, tokens.refreshToken)).status).toBe(200);
      }
      const six = await receiver.waitFor(6, 30_000, (received) => received.path === '/hook/two-processes');
      const first = new Set(six.map((received) => received.headers['webhook-id']));
      // The sentinel: a seventh refresh, committed after the six were delivered. Once it has
      // arrived, a second copy of any of the six (sent by the other dispatcher) would have too.
      await refreshOnce();
      const requests = await receiver.waitFor(7, 30_000, (received) => received.path === '/hook/two-processes');
      const sentinel = requests.find((received) => !first.has(received.headers['webhook-id']));
      expect(sentinel).toBeDefined();
      await refreshedEventIds().then((ids) => expect(ids).toContain(sentinel!.headers['webhook-id']));
      expect(receiver.received.filter((received) => received.path === '/hook/two-processes')).toHaveLength(7);
      expect(new Set(requests.map((received) => received.headers['webhook-id'])).size).toBe(7);
      for (const request of requests) {
        expect(new Webhook(subscription.secret).verify(request.rawBody, request.headers as Record<string, string>)).toMatchObject({ type: 'token.refreshed' });
      }
    } finally {
      await second.stop('SIGKILL');
    }
  });
});
