import { jest } from '@jest/globals';
import Sqlite from 'better-sqlite3';
import { join } from 'node:path';
import { RefreshTokenRepository } from '../src/auth/refresh-token.repository.js';
import { RetentionJob } from '../src/auth/retention.job.js';
import { Clock } from '../src/common/clock.js';
import { Database } from '../src/database/database.js';
import { OutboxRetention } from '../src/outbox/outbox.retention.js';
import { OutboxReader } from '../src/outbox/outbox.reader.js';
import { OutboxWriter } from '../src/outbox/outbox.writer.js';
import { WebhookRetention } from '../src/webhook/webhook-retention.js';
import { createClient, createUser, login, refreshAtTokenEndpoint } from './support/fixtures.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { answer, WebhookReceiver } from './support/webhook-receiver.js';

jest.setTimeout(60_000);

const DAY = 24 * 60 * 60 * 1000;

/** Real time, moved forward only for the instant a purge reads its cutoff. */
class ShiftableClock extends Clock {
  offset = 0;
  override now(): number {
    return Date.now() + this.offset;
  }
}

/** The retention purges' statements (grace wipe, batched purges with their subqueries) on either database. */
describe('retention statements', () => {
  let t: TestApp;
  let receiver: WebhookReceiver;
  const clock = new ShiftableClock();

  beforeAll(async () => {
    receiver = await WebhookReceiver.start();
    t = await startTestApp({
      env: {
        REFRESH_REUSE_GRACE_SECONDS: '60',
        WEBHOOK_ALLOWED_HOSTS: '127.0.0.1',
        WEBHOOK_POLL_MS: '100',
        // Second attempts are an hour away: a delivery whose first attempt failed stays pending.
        WEBHOOK_RETRY_SCHEDULE: '0,3600',
        FAMILY_RETENTION_SECONDS: '60',
        WEBHOOK_DELIVERY_RETENTION_SECONDS: '60',
        OUTBOX_RETENTION_SECONDS: '60',
        // The schedule stays out of the way; the spec runs each purge itself.
        RETENTION_INTERVAL_SECONDS: '86400',
        RETENTION_BATCH_SIZE: '2',
      },
      override: (builder) => builder.overrideProvider(Clock).useValue(clock),
    });
  });
  afterAll(async () => {
    await t.close();
    await receiver.close();
  });

  /** Runs a purge whose cutoff is read a day from now, so everything that ended before now is past retention. */
  function purgeADayLater(purge: () => Promise<number>): Promise<number> {
    clock.offset = DAY;
    try {
      return purge();
    } finally {
      clock.offset = 0;
    }
  }

  const count = async (sql: string, params: unknown[] = []) => Number((await t.app.get(Database).query(sql, params))[0]!.n);

  it('wipes kept successors once the grace window has ended, then purges ended families', async () => {
    const store = t.app.get(RefreshTokenRepository);
    const client = await createClient(t.api, { public: true });
    const user = await createUser(t.api);
    const { refreshToken } = await login(t.api, user, client);
    const rotated = await refreshAtTokenEndpoint(t.api, client, refreshToken);
    expect(rotated.status).toBe(200);
    // Within the window the old token is replayable...
    expect((await refreshAtTokenEndpoint(t.api, client, refreshToken)).body.refresh_token).toBe(rotated.body.refresh_token);
    // ...until the window is over and the kept successor wiped: then it is reuse.
    expect(await store.wipeExpiredGrace(Date.now() + 61_000, 500)).toBe(1);
    expect((await refreshAtTokenEndpoint(t.api, client, refreshToken)).status).toBe(400);

    // The family is revoked now; purging everything that ended before "tomorrow" removes it and its tokens.
    expect((await store.purgeEndedFamilies(Date.now() + DAY, 500, 5000)).removed).toBeGreaterThanOrEqual(1);
    const sessions = await t.api.get(`/api/admin/users/${user.id}/sessions`, { admin: true });
    expect(sessions.body.items ?? sessions.body).toEqual([]);
    expect((await refreshAtTokenEndpoint(t.api, client, rotated.body.refresh_token)).status).toBe(400);
  });

  it('sweeps ended grace windows in bounded batches, and a used successor ends its predecessor\'s window at once', async () => {
    const store = t.app.get(RefreshTokenRepository);
    const job = t.app.get(RetentionJob);
    const inGrace = () => count('SELECT COUNT(*) AS n FROM refresh_tokens WHERE grace_until IS NOT NULL');
    const kept = () => count('SELECT COUNT(*) AS n FROM refresh_tokens WHERE successor_sealed IS NOT NULL');
    // Whatever earlier specs left in a window goes first.
    await purgeADayLater(() => job.wipeGrace().then(() => 0));
    expect(await inGrace()).toBe(0);

    const client = await createClient(t.api, { public: true });
    const user = await createUser(t.api);
    for (let i = 0; i < 3; i += 1) {
      const session = await login(t.api, user, client);
      expect((await refreshAtTokenEndpoint(t.api, client, session.refreshToken)).status).toBe(200);
    }
    const chain = await login(t.api, user, client);
    const first = await refreshAtTokenEndpoint(t.api, client, chain.refreshToken);
    expect(first.status).toBe(200);
    expect([await inGrace(), await kept()]).toEqual([4, 4]);
    // Its successor used: the first token's kept copy and its window end together, and the second token's begin.
    expect((await refreshAtTokenEndpoint(t.api, client, first.body.refresh_token)).status).toBe(200);
    expect([await inGrace(), await kept()]).toEqual([4, 4]);

    // One batch wipes at most its limit; the sweep runs batches until one comes back short.
    expect(await store.wipeExpiredGrace(Date.now() + 61_000, 3)).toBe(3);
    expect([await inGrace(), await kept()]).toEqual([1, 1]);
    const batches = jest.spyOn(store, 'wipeExpiredGrace');
    try {
      await purgeADayLater(() => job.wipeGrace().then(() => 0));
      expect(batches).toHaveBeenCalledTimes(1);
      expect([await inGrace(), await kept()]).toEqual([0, 0]);
      batches.mockResolvedValueOnce(500).mockResolvedValueOnce(500).mockResolvedValueOnce(7);
      await job.wipeGrace();
      expect(batches.mock.calls.slice(1).map(([, limit]) => limit)).toEqual([500, 500, 500]);
    } finally {
      batches.mockRestore();
    }
  });

  it('purges revoked families with every token of their chains in batches, and keeps live ones', async () => {
    const client = await createClient(t.api, { public: true });
    const user = await createUser(t.api);
    const live = await login(t.api, user, client);
    expect((await refreshAtTokenEndpoint(t.api, client, live.refreshToken)).status).toBe(200);
    const ended: string[] = [];
    for (let i = 0; i < 5; i += 1) {
      const session = await login(t.api, user, client);
      // Chains of one to five tokens, the last ones replayed within the grace window.
      let current = session.refreshToken;
      for (let step = 0; step < i; step += 1) {
        const next = await refreshAtTokenEndpoint(t.api, client, current);
        expect(next.status).toBe(200);
        expect((await refreshAtTokenEndpoint(t.api, client, current)).body.refresh_token).toBe(next.body.refresh_token);
        current = next.body.refresh_token;
      }
      expect((await t.api.post('/api/auth/logout', { json: { refreshToken: current } })).status).toBe(200);
      ended.push(session.refreshTokenId);
    }
    const endedTokens = () => count(`SELECT COUNT(*) AS n FROM refresh_tokens WHERE family_id IN (?, ?, ?, ?, ?)`, ended);
    const liveTokens = () => count(`SELECT COUNT(*) AS n FROM refresh_tokens WHERE family_id = ?`, [live.refreshTokenId]);
    expect(await endedTokens()).toBe(1 + 2 + 3 + 4 + 5);
    expect(await liveTokens()).toBe(2);

    // Ended just now: within the 60-second retention, nothing goes.
    expect(await t.app.get(RetentionJob).purge()).toBe(0);
    // A day later: all five, in batches of two, with their tokens; the live family stays.
    expect(await purgeADayLater(() => t.app.get(RetentionJob).purge())).toBe(5);
    expect(await endedTokens()).toBe(0);
    expect(await count(`SELECT COUNT(*) AS n FROM refresh_token_families WHERE id IN (?, ?, ?, ?, ?)`, ended)).toBe(0);
    expect(await liveTokens()).toBe(2);
    // The live family's first token, consumed, is still replayable within its grace window: its row is kept.
    expect((await refreshAtTokenEndpoint(t.api, client, live.refreshToken)).status).toBe(200);
  });

  it('bounds a batch of ended families by their tokens as well, always taking the first family', async () => {
    const store = t.app.get(RefreshTokenRepository);
    const later = Date.now() + DAY;
    // Whatever earlier specs left ended goes first.
    while ((await store.purgeEndedFamilies(later, 500, 100_000)).full);
    const client = await createClient(t.api, { public: true });
    const user = await createUser(t.api);
    const ended: string[] = [];
    for (let i = 0; i < 4; i += 1) {
      const session = await login(t.api, user, client);
      let current = session.refreshToken;
      for (let step = 0; step < 2; step += 1) current = (await refreshAtTokenEndpoint(t.api, client, current)).body.refresh_token;
      expect((await t.api.post('/api/auth/logout', { json: { refreshToken: current } })).status).toBe(200);
      ended.push(session.refreshTokenId);
    }
    const tokens = () => count(`SELECT COUNT(*) AS n FROM refresh_tokens WHERE family_id IN (?, ?, ?, ?)`, ended);
    expect(await tokens()).toBe(12);
    // Three tokens a family: under a bound of 4, the second family starts at 3 and is taken, the third at 6 is not.
    expect(await store.purgeEndedFamilies(later, 500, 4)).toEqual({ removed: 2, full: true });
    expect(await tokens()).toBe(6);
    // A bound below one family's tokens still takes one family.
    expect(await store.purgeEndedFamilies(later, 500, 1)).toEqual({ removed: 1, full: true });
    expect(await tokens()).toBe(3);
    expect(await store.purgeEndedFamilies(later, 500, 100)).toEqual({ removed: 1, full: false });
    expect(await tokens()).toBe(0);
  });

  it('purges ended webhook deliveries with their attempts in batches, never a pending one', async () => {
    const client = await createClient(t.api, { public: true });
    const subscription = await t.api.post('/api/webhooks', {
      admin: true,
      json: { url: receiver.url, events: ['token.refreshed'], clientId: client.clientId },
    });
    expect(subscription.status).toBe(201);
    const user = await createUser(t.api);
    let { refreshToken } = await login(t.api, user, client);
    // Five deliveries: the first fails (and waits an hour for its retry), four succeed.
    receiver.answerWith(answer(500));
    for (let i = 0; i < 5; i += 1) {
      const response = await refreshAtTokenEndpoint(t.api, client, refreshToken);
      expect(response.status).toBe(200);
      refreshToken = response.body.refresh_token;
      if (i === 0) await receiver.waitFor(1);
    }
    await receiver.waitFor(5);
    const deliveries = async () => {
      const response = await t.api.get(`/api/webhooks/${subscription.body.id}/deliveries`, { admin: true });
      return response.body.items as Array<{ id: string; status: string }>;
    };
    const deadline = Date.now() + 15_000;
    while ((await deliveries()).filter((delivery) => delivery.status === 'succeeded').length < 4) {
      if (Date.now() > deadline) throw new Error(`deliveries did not settle: ${JSON.stringify(await deliveries())}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const pending = (await deliveries()).filter((delivery) => delivery.status === 'pending');
    expect(pending).toHaveLength(1);
    const ids = (await deliveries()).map((delivery) => delivery.id);
    const attempts = () => count(`SELECT COUNT(*) AS n FROM webhook_attempts WHERE delivery_id IN (?, ?, ?, ?, ?)`, ids);
    expect(await attempts()).toBe(5);

    expect(await t.app.get(WebhookRetention).purge()).toBe(0);
    expect(await purgeADayLater(() => t.app.get(WebhookRetention).purge())).toBe(4);
    // The pending delivery and its attempt log are still there.
    expect(await deliveries()).toEqual([expect.objectContaining({ id: pending[0]!.id, status: 'pending' })]);
    expect(await attempts()).toBe(1);
  });

  it('reads the grace sweep, the outbox purge and the outbox sweeper from partial indexes of the rows they want', async () => {
    const db = t.app.get(Database);
    const partial = { idx_refresh_tokens_grace: 'grace_until', idx_outbox_processed: 'processed_at', idx_outbox_unprocessed: 'processed_at' };
    if (db.kind === 'postgres') {
      const rows = await db.query<{ indexname: string; indexdef: string }>(
        "SELECT indexname, indexdef FROM pg_indexes WHERE indexname IN ('idx_refresh_tokens_grace', 'idx_outbox_processed', 'idx_outbox_unprocessed', 'idx_outbox_created')",
      );
      expect(rows.map((row) => row.indexname).sort()).toEqual(Object.keys(partial).sort());
      for (const row of rows) expect(row.indexdef).toContain(` WHERE (${partial[row.indexname as keyof typeof partial]} IS`);
      return;
    }
    // The statements as they ran: the hand-written ones on the connection, the sweeper's through TypeORM.
    const statements = new Set<string>();
    const direct = jest.spyOn(db as unknown as { runDirect(sql: string): unknown }, 'runDirect');
    const typeorm = jest.spyOn(db.dataSource.logger, 'logQuery');
    try {
      await t.app.get(RefreshTokenRepository).wipeExpiredGrace(Date.now(), 10);
      await t.app.get(OutboxRetention).purge();
      await t.app.get(OutboxReader).unprocessed(['token.refreshed'], Date.now(), 10);
    } finally {
      for (const [sql] of [...direct.mock.calls, ...typeorm.mock.calls]) if (/outbox_events|refresh_tokens/.test(sql) && !/^(BEGIN|COMMIT|SAVEPOINT|RELEASE)/.test(sql)) statements.add(sql);
      direct.mockRestore();
      typeorm.mockRestore();
    }
    expect(statements.size).toBe(3);
    const file = new Sqlite(join(t.dataDir, 'refresh-tokens.sqlite'), { readonly: true });
    try {
      const used = new Set<string>();
      for (const sql of statements) {
        const steps = (file.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...Array((sql.match(/\?/g) ?? []).length).fill(0)) as { detail: string }[]).map((step) => step.detail);
        // A search by an index or the primary key; never a walk of the whole table.
        expect(steps.filter((step) => /^SCAN /.test(step) && !/ USING /.test(step) && !/json_each/.test(step))).toEqual([]);
        for (const name of Object.keys(partial)) if (steps.some((step) => step.includes(`INDEX ${name} `))) used.add(name);
      }
      expect([...used].sort()).toEqual(Object.keys(partial).sort());
      const definitions = file.prepare("SELECT name, sql FROM sqlite_master WHERE name IN ('idx_refresh_tokens_grace', 'idx_outbox_processed', 'idx_outbox_unprocessed')").all() as { name: string; sql: string }[];
      for (const { name, sql } of definitions) expect(sql).toMatch(new RegExp(`WHERE "?${partial[name as keyof typeof partial]}"? IS`, 'i'));
    } finally {
      file.close();
    }
  });

  it('purges processed outbox events in batches, never one not yet processed', async () => {
    const db = t.app.get(Database);
    // An event no consumer takes over stays unprocessed for ever.
    const unconsumed = await db.transaction((tx) => t.app.get(OutboxWriter).record(tx, 'test.unconsumed', { n: 1 }));
    const client = await createClient(t.api, { public: true });
    const user = await createUser(t.api);
    await login(t.api, user, client);
    await login(t.api, user, client);
    await login(t.api, user, client);
    const processed = () => count(`SELECT COUNT(*) AS n FROM outbox_events WHERE processed_at IS NOT NULL`);
    // The three token.issued events are fanned out (processed) in the background.
    const deadline = Date.now() + 15_000;
    while ((await count(`SELECT COUNT(*) AS n FROM outbox_events WHERE processed_at IS NULL AND type <> ?`, ['test.unconsumed'])) > 0) {
      if (Date.now() > deadline) throw new Error('outbox events were not processed');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(await processed()).toBeGreaterThanOrEqual(3);

    expect(await t.app.get(OutboxRetention).purge()).toBe(0);
    expect(await purgeADayLater(() => t.app.get(OutboxRetention).purge())).toBeGreaterThanOrEqual(3);
    expect(await processed()).toBe(0);
    expect(await count(`SELECT COUNT(*) AS n FROM outbox_events WHERE id = ?`, [unconsumed.id])).toBe(1);
  });
});
