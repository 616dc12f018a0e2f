/**
 * A full disk on the embedded SQLite database. SQLite itself answers SQLITE_FULL: the test
 * caps the app's own connection at its current size (PRAGMA max_page_count), which is what a
 * full filesystem looks like to SQLite, then lifts the cap. SQLite in both passes: the
 * fault belongs to the embedded default.
 */
import type BetterSqlite3 from 'better-sqlite3';
import { DataSource } from 'typeorm';
import { expectTemporarilyUnavailable, metricValue, RotatingFamilies, settlesWithin } from './support/fault-scenario.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { WebhookReceiver } from './support/webhook-receiver.js';

const RETRY_AFTER = '4';
/** Enough rotations to use up whatever free space the last pages still have. */
const MAX_ROUNDS = 400;
const FAILED_ROUNDS_WHEN_FULL = 3;

describe('SQLite out of space', () => {
  let t: TestApp;
  let receiver: WebhookReceiver;
  let scenario: RotatingFamilies;
  let connection: BetterSqlite3.Database;

  beforeAll(async () => {
    receiver = await WebhookReceiver.start();
    t = await startTestApp({
      env: { DATABASE_URL: undefined, DATABASE_RETRY_AFTER_SECONDS: RETRY_AFTER, WEBHOOK_ALLOWED_HOSTS: '127.0.0.1', WEBHOOK_SWEEP_MS: '500', REFRESH_REUSE_GRACE_SECONDS: '0' },
    });
    connection = (t.app.get(DataSource).driver as unknown as { databaseConnection: BetterSqlite3.Database }).databaseConnection;
    scenario = await RotatingFamilies.start(t, receiver, 4);
  }, 60_000);

  afterAll(async () => {
    await t?.close();
    await receiver?.close();
  });

  const scrape = async () => (await t.api.get('/metrics')).text;

  it('answers 503 with Retry-After and turns readiness 503 while the disk is full, then recovers without a restart', async () => {
    expect((await scenario.rotateAll()).map(({ response }) => response.status)).toEqual([200, 200, 200, 200]);
    const before = await scrape();

    connection.pragma(`max_page_count = ${connection.pragma('page_count', { simple: true })}`);
    // Full once every rotation fails several rounds running: rotations committed together
    // (group commit) fail together, so one failed round can come while a lone one still fits.
    let full: Awaited<ReturnType<RotatingFamilies['rotateAll']>> | undefined;
    let failedRounds = 0;
    for (let round = 0; round < MAX_ROUNDS && !full; round++) {
      const results = await scenario.rotateAll();
      for (const { response } of results) expect([200, 503]).toContain(response.status);
      failedRounds = results.every(({ response }) => response.status === 503) ? failedRounds + 1 : 0;
      if (failedRounds === FAILED_ROUNDS_WHEN_FULL) full = results;
    }
    expect(full).toBeDefined();
    for (const result of full!) expectTemporarilyUnavailable(result, RETRY_AFTER);
    // Still full: every endpoint keeps saying so.
    for (const result of await settlesWithin(15_000, scenario.rotateAll(), 'a refresh on a full disk')) expectTemporarilyUnavailable(result, RETRY_AFTER);

    const ready = await t.api.get('/health/ready');
    expect(ready.status).toBe(503);
    expect(ready.body.error).toMatchObject({ writes: { status: 'down', cause: 'out_of_space' } });
    expect((await t.api.get('/health/live')).status).toBe(200);
    const series = 'database_faults_total{cause="out_of_space"}';
    expect(metricValue(await scrape(), series)).toBeGreaterThan(metricValue(before, series));

    // Space again.
    connection.pragma('max_page_count = 1073741823');
    const recovered = await t.api.get('/health/ready');
    expect(recovered.status).toBe(200);
    expect(recovered.body.info).toMatchObject({ writes: { status: 'up' } });
    expect((await scenario.rotateAll()).map(({ response }) => response.status)).toEqual([200, 200, 200, 200]);
  }, 120_000);

  it("kept every rotation answered 200 as its family's live token, delivered every event, and the file is intact", async () => {
    for (const family of scenario.families) {
      const introspection = await t.api.post('/oauth/introspect', { admin: true, form: { token: family.token } });
      expect(introspection.body).toMatchObject({ active: true, token_type: 'refresh_token' });
    }
    // Grace is 0: each of these would be a reuse had a 503 consumed the token.
    expect((await scenario.rotateAll()).map(({ response }) => response.status)).toEqual([200, 200, 200, 200]);
    // Distinct events: delivery is at least once, and a fault can make one arrive twice.
    await receiver.waitForEvents(scenario.answered.length, 30_000, (request) => request.body?.type === 'token.refreshed');
    expect(RotatingFamilies.refreshedEvents(receiver).map((event) => event.familyId).sort()).toEqual([...scenario.answered].sort());
    expect(connection.pragma('integrity_check', { simple: true })).toBe('ok');
  }, 60_000);
});
