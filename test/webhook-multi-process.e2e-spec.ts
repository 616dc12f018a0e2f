import { jest } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Webhook } from 'standardwebhooks';
import type { ApiClient } from './support/api-client.js';
import { createClient, createUser, login, refreshAtTokenEndpoint, type ClientFixture } from './support/fixtures.js';
import { createScratchDatabase } from './support/postgres-database.js';
import { ensureBuilt, sharedSecrets, startServerProcess, type ServerProcess } from './support/server-process.js';
import { answer, hang, WebhookReceiver, type ReceivedWebhook } from './support/webhook-receiver.js';

jest.setTimeout(120_000);

/**
 * Webhook delivery by several built server processes (`node dist/main.js`) on one database:
 * one fresh PostgreSQL database when DATABASE_URL is set, otherwise one SQLite DATA_DIR.
 * Every dispatcher claims deliveries with a lease, so each event is sent once, and a
 * process killed mid-attempt leaves its work to the others once the lease has run out.
 */

const pgServer = process.env.DATABASE_URL;
const database = pgServer ? 'PostgreSQL' : 'SQLite';

const CHAINS = 30;
const REFRESHES_PER_CHAIN = 10;
const EVENTS = CHAINS * REFRESHES_PER_CHAIN;
const CHAINS_AT_ONCE = 6;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const webhookEnv = (timeoutMs: number): Record<string, string> => ({
  WEBHOOK_ALLOWED_HOSTS: '127.0.0.1',
  WEBHOOK_RETRY_SCHEDULE: '0,1,1,1',
  WEBHOOK_TIMEOUT_MS: String(timeoutMs),
  WEBHOOK_POLL_MS: '200',
  RATE_LIMIT: 'off',
});

/** One deployment's storage (a temporary DATA_DIR, and a fresh database in the PostgreSQL pass) and secrets. */
async function freshDeployment(): Promise<{ env: Record<string, string>; remove(): Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'rts-wmp-'));
  const scratch = pgServer ? await createScratchDatabase(pgServer) : undefined;
  return {
    env: { ...sharedSecrets(), DATA_DIR: dataDir, DATABASE_URL: scratch?.url ?? '' },
    remove: async () => {
      await scratch?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function subscribe(api: ApiClient, client: ClientFixture, url: string): Promise<{ id: string; secret: string }> {
  const response = await api.post('/api/webhooks', { admin: true, json: { url, clientId: client.clientId, events: ['token.refreshed'] } });
  if (response.status !== 201) throw new Error(`subscribe: ${response.status} ${response.text}`);
  return response.body;
}

/** Logs a new user in and refreshes `refreshes` times in a row, alternating between the servers. */
async function refreshChain(apis: ApiClient[], client: ClientFixture, refreshes: number, offset = 0): Promise<number[]> {
  const user = await createUser(apis[offset % apis.length]!);
  let refreshToken = (await login(apis[offset % apis.length]!, user, client)).refreshToken;
  const statuses: number[] = [];
  for (let i = 0; i < refreshes; i++) {
    const response = await refreshAtTokenEndpoint(apis[(offset + i) % apis.length]!, client, refreshToken);
    statuses.push(response.status);
    if (response.status !== 200) break;
    refreshToken = response.body.refresh_token;
  }
  return statuses;
}

/** Runs `count` jobs with at most `width` at a time. */
async function bounded<T>(count: number, width: number, job: (index: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < count) {
        const index = next++;
        results[index] = await job(index);
      }
    }),
  );
  return results;
}

async function waitForDistinctIds(receiver: WebhookReceiver, count: number, timeoutMs: number, filter: (request: ReceivedWebhook) => boolean): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ids = new Set(receiver.received.filter(filter).map((request) => request.headers['webhook-id']));
    if (ids.size >= count) return;
    if (Date.now() > deadline) throw new Error(`Expected ${count} distinct webhook ids, got ${ids.size} within ${timeoutMs} ms`);
    await sleep(100);
  }
}

/** Successful attempts this process counted (webhook_attempts_total{outcome="success"}). */
async function successfulAttempts(server: ServerProcess): Promise<number> {
  const response = await server.api.get('/metrics');
  expect(response.status).toBe(200);
  const line = String(response.text)
    .split('\n')
    .find((candidate) => candidate.startsWith('webhook_attempts_total{outcome="success"}'));
  return line ? Number(line.split(' ').pop()) : 0;
}

function expectCleanExit(server: ServerProcess, result: { code: number | null; signal: NodeJS.Signals | null }): void {
  // Nest re-raises the signal once it has closed, so a clean stop ends by SIGTERM (or exit 0).
  if (result.code !== 0 && result.signal !== 'SIGTERM') throw new Error(`Server exited with ${result.code ?? result.signal}:\n${server.output().slice(-4000)}`);
}

describe(`${database}, webhooks from two server processes on one database`, () => {
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    ensureBuilt();
    receiver = await WebhookReceiver.start();
  }, 240_000);

  afterAll(async () => {
    await receiver?.close();
  });

  it(`delivers each of ${EVENTS} refresh events exactly once with both dispatchers running`, async () => {
    const deployment = await freshDeployment();
    const env = { ...webhookEnv(1_000), ...deployment.env };
    // Started together on purpose: migrations and the first signing key must not race.
    const started = await Promise.allSettled([startServerProcess(env), startServerProcess(env)]);
    const servers = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
    try {
      for (const result of started) if (result.status === 'rejected') throw result.reason;
      const apis = servers.map((server) => server.api);
      const client = await createClient(apis[0]!, { public: false });
      const subscription = await subscribe(apis[0]!, client, `${receiver.url}/all`);
      const mine = (request: ReceivedWebhook) => request.path === '/hook/all';

      const chains = await bounded(CHAINS, CHAINS_AT_ONCE, (index) => refreshChain(apis, client, REFRESHES_PER_CHAIN, index));
      expect(chains.flat()).toEqual(Array(EVENTS).fill(200));

      await waitForDistinctIds(receiver, EVENTS, 60_000, mine);
      // The sentinel: one more refresh, committed after all of those were delivered. Once it has
      // arrived, a second copy of any earlier event would have been sent too.
      const before = new Set(receiver.received.filter(mine).map((request) => String(request.headers['webhook-id'])));
      expect(await refreshChain(apis, client, 1)).toEqual([200]);
      await waitForDistinctIds(receiver, EVENTS + 1, 30_000, mine);
      const requests = receiver.received.filter(mine);
      const ids = requests.map((request) => String(request.headers['webhook-id']));
      expect(ids.filter((id) => !before.has(id))).toHaveLength(1);
      expect(new Set(ids).size).toBe(EVENTS + 1);
      // The receiver answered every request 204: a repeated id would be an event delivered twice.
      expect(ids).toHaveLength(EVENTS + 1);
      const verifier = new Webhook(subscription.secret);
      const rotations = new Set<string>();
      for (const request of requests) {
        const event = verifier.verify(request.rawBody, request.headers as Record<string, string>) as {
          type: string;
          data: { clientId: string; familyId: string; rotation: number; replay: boolean };
        };
        expect(event.type).toBe('token.refreshed');
        expect(event.data).toMatchObject({ clientId: client.clientId, replay: false });
        rotations.add(`${event.data.familyId}:${event.data.rotation}`);
      }
      // One event per rotation of each chain (30 families, rotations 1 to 10), plus the sentinel.
      expect(rotations.size).toBe(EVENTS + 1);

      // Both dispatchers took part, and together they counted exactly one success per event.
      const perServer = await Promise.all(servers.map(successfulAttempts));
      expect(perServer.every((count) => count > 0)).toBe(true);
      expect(perServer[0]! + perServer[1]!).toBe(EVENTS + 1);
    } finally {
      const results = await Promise.all(servers.map((server) => server.stop()));
      await deployment.remove();
      results.forEach((result, index) => expectCleanExit(servers[index]!, result));
    }
  });

  it('after SIGKILL mid-delivery, the other process sends the same events once the dead one’s leases run out', async () => {
    // Long enough that A's attempts are still in flight while B starts (lease = timeout + 5 s).
    const timeoutMs = 12_000;
    const leaseMs = timeoutMs + 5_000;
    const events = 8;
    const deployment = await freshDeployment();
    const env = { ...webhookEnv(timeoutMs), ...deployment.env };
    const servers: ServerProcess[] = [];
    try {
      const a = await startServerProcess(env);
      servers.push(a);
      const client = await createClient(a.api, { public: false });
      const subscription = await subscribe(a.api, client, `${receiver.url}/killed`);
      const mine = (request: ReceivedWebhook) => request.path === '/hook/killed';
      receiver.setDefault(hang);

      const producedFrom = Date.now();
      const chains = await bounded(events, 4, () => refreshChain([a.api], client, 1));
      expect(chains.flat()).toEqual(Array(events).fill(200));
      const hung = await receiver.waitFor(events, 30_000, mine);
      const hungIds = new Set(hung.map((request) => String(request.headers['webhook-id'])));
      expect(hungIds.size).toBe(events);

      const b = await startServerProcess(env);
      servers.push(b);
      // A must still hold every lease: all its connections are still open (no attempt has timed
      // out, or it would have closed one) and nothing else was sent.
      expect(receiver.openRequests).toBe(events);
      expect(receiver.received.filter(mine)).toHaveLength(events);

      process.kill(a.pid, 'SIGKILL');
      expect(await a.exited).toEqual({ code: null, signal: 'SIGKILL' });
      const killedAt = Date.now();
      receiver.setDefault(answer(204));

      await waitForDistinctIds(receiver, events, leaseMs + 30_000, (request) => mine(request) && request.receivedAt >= killedAt);
      // The sentinel: a refresh on B after the take-over; once its event has arrived, B would
      // have sent a second copy of any taken-over event too.
      expect(await refreshChain([b.api], client, 1)).toEqual([200]);
      await waitForDistinctIds(receiver, events + 1, 30_000, (request) => mine(request) && request.receivedAt >= killedAt);
      const redelivered = receiver.received.filter((request) => mine(request) && request.receivedAt >= killedAt && hungIds.has(String(request.headers['webhook-id'])));
      expect(receiver.received.filter((request) => mine(request) && request.receivedAt >= killedAt)).toHaveLength(events + 1);
      expect(new Set(redelivered.map((request) => String(request.headers['webhook-id'])))).toEqual(hungIds);
      expect(redelivered).toHaveLength(events);
      for (const request of redelivered) {
        // A claimed each delivery after the refreshes began, so its lease ran at least this long.
        expect(request.receivedAt).toBeGreaterThanOrEqual(producedFrom + leaseMs);
        expect(new Webhook(subscription.secret).verify(request.rawBody, request.headers as Record<string, string>)).toMatchObject({ type: 'token.refreshed' });
      }

      const listed = await b.api.get(`/api/webhooks/${subscription.id}/deliveries`, { admin: true });
      expect(listed.status).toBe(200);
      let items = listed.body.items as Array<{ status: string; attemptLog: Array<{ statusCode: number | null }> }>;
      for (let i = 0; i < 50 && items.some((item) => item.status !== 'succeeded'); i++) {
        await sleep(100);
        items = (await b.api.get(`/api/webhooks/${subscription.id}/deliveries`, { admin: true })).body.items;
      }
      expect(items).toHaveLength(events + 1);
      // The killed attempt left no record; B's attempt is the one that counts.
      for (const item of items) {
        expect(item.status).toBe('succeeded');
        expect(item.attemptLog.map((attempt) => attempt.statusCode)).toEqual([204]);
      }
    } finally {
      receiver.setDefault(answer(204));
      const results = await Promise.all(servers.map((server) => server.stop()));
      await deployment.remove();
      results.slice(1).forEach((result, index) => expectCleanExit(servers[index + 1]!, result));
    }
  });
});
