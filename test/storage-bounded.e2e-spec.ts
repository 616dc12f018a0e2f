import { jest } from '@jest/globals';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, createUser, login, refreshAtTokenEndpoint } from './support/fixtures.js';
import pg from 'pg';
import { createScratchDatabase, type ScratchDatabase } from './support/postgres-database.js';
import { ensureBuilt, sharedSecrets, startServerProcess, type ServerProcess } from './support/server-process.js';
import { WebhookReceiver } from './support/webhook-receiver.js';

jest.setTimeout(120_000);

const ROUNDS = 5;
const SESSIONS_PER_ROUND = 8;
const REFRESHES_PER_SESSION = 50;
/** Events one round commits: a login, the refreshes and a logout per session. */
const EVENTS_PER_ROUND = SESSIONS_PER_ROUND * (REFRESHES_PER_SESSION + 2);
const TABLES = {
  outbox_events: 'created_at',
  webhook_deliveries: 'created_at',
  webhook_attempts: 'attempted_at',
  refresh_token_families: 'created_at',
  refresh_tokens: 'issued_at',
} as const;
type Table = keyof typeof TABLES;

interface Sample {
  rows: Record<Table, number>;
  fileBytes: number;
  walBytes: number;
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/**
 * At a steady load with retention of a second, every table the traffic writes to, and the
 * SQLite file with its WAL, stop growing: what a round leaves behind is purged while the next
 * one runs, and the freed pages are reused. No event is lost on the way: every one reaches
 * the receiver, including those whose first attempt failed while the purges ran.
 */
describe('Storage stays bounded at a steady load', () => {
  let dataDir: string;
  let server: ServerProcess;
  let receiver: WebhookReceiver;
  /** With DATABASE_URL set (the PostgreSQL pass) the rows are counted there; the file sizes are SQLite's alone. */
  let scratch: ScratchDatabase | undefined;
  const delivered = new Set<string>();
  const failedOnce = new Set<string>();

  beforeAll(async () => {
    ensureBuilt();
    dataDir = mkdtempSync(join(tmpdir(), 'rts-bounded-'));
    receiver = await WebhookReceiver.start();
    // Every 20th event's first attempt fails; its retry comes a second later, across purges.
    let seen = 0;
    receiver.setDefault((request, response) => {
      const id = String(request.headers['webhook-id']);
      if (!delivered.has(id) && !failedOnce.has(id) && ++seen % 20 === 0) {
        failedOnce.add(id);
        response.statusCode = 500;
      } else {
        delivered.add(id);
        response.statusCode = 204;
      }
      response.end();
    });
    scratch = process.env.DATABASE_URL ? await createScratchDatabase(process.env.DATABASE_URL) : undefined;
    server = await startServerProcess({
      DATA_DIR: dataDir,
      ...(scratch ? { DATABASE_URL: scratch.url } : {}),
      ...sharedSecrets(),
      WEBHOOK_ALLOWED_HOSTS: '127.0.0.1',
      WEBHOOK_POLL_MS: '100',
      WEBHOOK_RETRY_SCHEDULE: '0,1,1,1,1,1,1,1',
      FAMILY_RETENTION_SECONDS: '1',
      WEBHOOK_DELIVERY_RETENTION_SECONDS: '1',
      OUTBOX_RETENTION_SECONDS: '1',
      RETENTION_INTERVAL_SECONDS: '1',
      RETENTION_BATCH_SIZE: '100',
    });
  });

  afterAll(async () => {
    await server?.stop();
    await receiver?.close();
    await scratch?.drop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  const file = () => join(dataDir, 'refresh-tokens.sqlite');
  const bytes = (path: string) => {
    try {
      return statSync(path).size;
    } catch {
      return 0;
    }
  };

  /** Row counts (all, and those older than `before`) read by a connection of our own. */
  async function count(before: number): Promise<{ rows: Record<Table, number>; older: Record<Table, number> }> {
    const rows = {} as Record<Table, number>;
    const older = {} as Record<Table, number>;
    if (scratch) {
      const client = new pg.Client({ connectionString: scratch.url });
      await client.connect();
      try {
        for (const [table, column] of Object.entries(TABLES) as [Table, string][]) {
          rows[table] = Number((await client.query(`SELECT COUNT(*) AS n FROM ${table}`)).rows[0].n);
          older[table] = Number((await client.query(`SELECT COUNT(*) AS n FROM ${table} WHERE ${column} < $1`, [before])).rows[0].n);
        }
      } finally {
        await client.end();
      }
      return { rows, older };
    }
    const db = new Database(file(), { readonly: true, fileMustExist: true });
    try {
      for (const [table, column] of Object.entries(TABLES) as [Table, string][]) {
        rows[table] = (db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
        older[table] = (db.prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE ${column} < ?`).get(before) as { n: number }).n;
      }
      return { rows, older };
    } finally {
      db.close();
    }
  }

  async function waitUntil<T>(what: string, probe: () => T | Promise<T>, done: (value: T) => boolean, timeoutMs = 30_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await probe();
      if (done(value)) return value;
      if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(value)} after ${timeoutMs} ms`);
      await sleep(100);
    }
  }

  const onPostgres = Boolean(process.env.DATABASE_URL);

  it(`levels off in rows${onPostgres ? '' : ', file and WAL bytes'}, and delivers every event`, async () => {
    const client = await createClient(server.api, { public: true });
    const user = await createUser(server.api);
    const subscription = await server.api.post('/api/webhooks', {
      admin: true,
      json: { url: receiver.url, clientId: client.clientId, events: ['token.issued', 'token.refreshed', 'token.revoked', 'token.reuse_detected'] },
    });
    expect(subscription.status).toBe(201);

    const samples: Sample[] = [];
    for (let round = 1; round <= ROUNDS; round += 1) {
      const roundStart = Date.now();
      await Promise.all(
        Array.from({ length: SESSIONS_PER_ROUND }, async () => {
          let { refreshToken } = await login(server.api, user, client);
          for (let i = 0; i < REFRESHES_PER_SESSION; i += 1) {
            const response = await refreshAtTokenEndpoint(server.api, client, refreshToken);
            expect(response.status).toBe(200);
            refreshToken = response.body.refresh_token;
          }
          expect((await server.api.post('/api/auth/logout', { json: { refreshToken } })).status).toBe(200);
        }),
      );
      await waitUntil(`events delivered after round ${round}`, () => delivered.size, (size) => size >= round * EVENTS_PER_ROUND);
      // The purges have caught up with everything the earlier rounds wrote...
      const { rows } = await waitUntil(
        `rows older than round ${round} purged`,
        () => count(roundStart),
        ({ older }) => Object.values(older).every((n) => n === 0),
      );
      // ...so what remains is at most this round's own rows.
      expect(rows.outbox_events).toBeLessThanOrEqual(EVENTS_PER_ROUND);
      expect(rows.webhook_deliveries).toBeLessThanOrEqual(EVENTS_PER_ROUND);
      samples.push({ rows, fileBytes: bytes(file()), walBytes: bytes(`${file()}-wal`) });
    }

    expect(delivered.size).toBe(ROUNDS * EVENTS_PER_ROUND);
    expect(failedOnce.size).toBeGreaterThan(0);
    expect([...failedOnce].every((id) => delivered.has(id))).toBe(true);

    // Idle: every ended row goes.
    await waitUntil(
      'everything purged once idle',
      async () => (await count(Date.now())).rows,
      (rows) => Object.values(rows).every((n) => n === 0),
    );
    if (!onPostgres) {
      // Sizes level off: no round after the second needs more than the second plus a margin.
      const second = samples[1]!;
      const margin = 512 * 1024;
      const fileCap = second.fileBytes + margin;
      const walCap = Math.max(second.walBytes, 4 * 1024 * 1024) + margin;
      const grown = samples.slice(2).filter((sample) => sample.fileBytes > fileCap || sample.walBytes > walCap);
      expect({ fileCap, walCap, grown }).toEqual({ fileCap, walCap, grown: [] });
      // And once idle, the WAL is emptied by a TRUNCATE checkpoint.
      await waitUntil('the WAL emptied once idle', () => bytes(`${file()}-wal`), (walBytes) => walBytes === 0);
    }
  });
});
