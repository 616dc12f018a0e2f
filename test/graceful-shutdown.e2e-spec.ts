import { request as httpRequest } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, createUser, login, refreshAtTokenEndpoint, type ClientFixture } from './support/fixtures.js';
import { createScratchDatabase, type ScratchDatabase } from './support/postgres-database.js';
import { ensureBuilt, sharedSecrets, startServerProcess, type ServerProcess } from './support/server-process.js';

type Outcome =
  | { kind: 'response'; status: number; body: any }
  | { kind: 'refused'; error: string }
  | { kind: 'cut'; error: string; connected: boolean; bytes: number };

/**
 * One refresh on a connection of its own (no keep-alive), so that each request is either
 * answered in full, refused, or visibly cut off.
 *
 * Refused: the connection was refused, or reset before a single byte of an answer. The
 * latter happens when the listening socket closes with connections still in the kernel's
 * accept queue, which the application never saw. That the server indeed never processed
 * such a request is proven at the end: the token it carried still refreshes.
 */
function refreshOnce(port: number, client: ClientFixture, refreshToken: string): Promise<Outcome> {
  const body = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: client.clientId }).toString();
  return new Promise((done) => {
    let connected = false;
    let bytes = 0;
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/oauth/token',
        agent: false,
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body), connection: 'close' },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => {
          bytes += chunk.length;
          chunks.push(chunk);
        });
        res.on('error', (error) => done({ kind: 'cut', error: error.message, connected, bytes }));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          try {
            done({ kind: 'response', status: res.statusCode ?? 0, body: JSON.parse(text) });
          } catch {
            done({ kind: 'cut', error: `incomplete body: ${text.slice(0, 100)}`, connected, bytes });
          }
        });
      },
    );
    req.on('socket', (socket) => socket.once('connect', () => (connected = true)));
    req.on('error', (error: NodeJS.ErrnoException) => {
      const refused = error.code === 'ECONNREFUSED' || (bytes === 0 && (error.code === 'ECONNRESET' || error.code === 'EPIPE'));
      done(refused ? { kind: 'refused', error: error.code! } : { kind: 'cut', error: `${error.code ?? ''} ${error.message}`, connected, bytes });
    });
    req.end(body);
  });
}

const CHAINS = 12;
const SIGTERM_AFTER_MS = 700;

describe('graceful shutdown (SIGTERM during a burst of refreshes)', () => {
  let dataDir: string;
  let database: ScratchDatabase | undefined;
  let env: Record<string, string>;
  let first: ServerProcess | undefined;
  let second: ServerProcess | undefined;

  beforeAll(async () => {
    ensureBuilt();
    dataDir = mkdtempSync(join(tmpdir(), 'rts-shutdown-'));
    database = process.env.DATABASE_URL ? await createScratchDatabase(process.env.DATABASE_URL) : undefined;
    env = { ...sharedSecrets(), DATA_DIR: dataDir, DATABASE_URL: database?.url ?? '', REFRESH_REUSE_GRACE_SECONDS: '0' };
  }, 240_000);

  afterAll(async () => {
    await first?.stop();
    await second?.stop();
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('finishes the requests in flight, refuses new connections, and every token it handed out still refreshes after a restart', async () => {
    first = await startServerProcess(env);
    const client = await createClient(first.api, { public: true });
    const user = await createUser(first.api);
    const chains = await Promise.all(Array.from({ length: CHAINS }, async () => (await login(first!.api, user, client)).refreshToken));

    const port = first.port;
    const outcomes: Outcome[] = [];
    let stopping = false;
    let finishedAfterSigterm = 0;
    // Each chain refreshes its own family again and again until the server stops answering.
    const latest = [...chains];
    const burst = latest.map(async (_, chain) => {
      for (;;) {
        const sentBeforeSigterm = !stopping;
        const outcome = await refreshOnce(port, client, latest[chain]!);
        outcomes.push(outcome);
        if (sentBeforeSigterm && stopping && outcome.kind === 'response' && outcome.status === 200) finishedAfterSigterm++;
        if (outcome.kind === 'response' && outcome.status === 200) {
          latest[chain] = outcome.body.refresh_token;
          continue;
        }
        if (outcome.kind === 'response' && !stopping) throw new Error(`Refresh failed before shutdown: ${outcome.status} ${JSON.stringify(outcome.body)}`);
        return;
      }
    });
    await new Promise((done) => setTimeout(done, SIGTERM_AFTER_MS));
    stopping = true;
    const stopped = first.stop(30_000);
    await Promise.all(burst);
    const exit = await stopped;
    const output = first.output();
    first = undefined;

    // Ended by the signal itself (Nest re-raises it after its hooks) or with code 0; anything
    // else, the server's own words say why.
    const endedCleanly = exit.signal === 'SIGTERM' || exit.code === 0;
    expect(endedCleanly ? 'ended cleanly' : `ended with ${JSON.stringify(exit)}:\n${output.slice(-6000)}`).toBe('ended cleanly');
    const answered = outcomes.filter((outcome) => outcome.kind === 'response');
    const ok = answered.filter((outcome) => outcome.status === 200);
    expect(ok.length).toBeGreaterThan(CHAINS);
    // Requests already sent when the signal came were still answered.
    expect(finishedAfterSigterm).toBeGreaterThan(0);
    // No request was cut off: each was answered in full or refused at connect.
    expect(outcomes.filter((outcome) => outcome.kind === 'cut')).toEqual([]);
    // Once closing, the server may answer 503 instead of serving; it never fails a refresh any other way.
    expect(answered.filter((outcome) => outcome.status !== 200 && outcome.status !== 503)).toEqual([]);

    // Every chain's last token (the successor from its last 200, which is also the token its
    // refused request carried) refreshes on a new server over the same storage: no answered
    // refresh was lost, and no refused request had been processed (grace is 0, so a token
    // consumed without its answer reaching us would now count as reuse).
    second = await startServerProcess(env);
    for (const token of latest) {
      const next = await refreshAtTokenEndpoint(second.api, client, token);
      expect(next.status).toBe(200);
    }
  }, 240_000);

  it('with SHUTDOWN_DRAIN_SECONDS, readiness turns 503 at SIGTERM while refreshes are still served, then the server exits', async () => {
    const drainDir = mkdtempSync(join(tmpdir(), 'rts-drain-'));
    const drainDb = process.env.DATABASE_URL ? await createScratchDatabase(process.env.DATABASE_URL) : undefined;
    const server = await startServerProcess({
      ...sharedSecrets(),
      DATA_DIR: drainDir,
      DATABASE_URL: drainDb?.url ?? '',
      SHUTDOWN_DRAIN_SECONDS: '3',
    });
    try {
      const client = await createClient(server.api, { public: true });
      const user = await createUser(server.api);
      const { refreshToken } = await login(server.api, user, client);
      expect((await server.api.get('/health/ready')).status).toBe(200);

      const startedAt = Date.now();
      const stopped = server.stop(30_000);
      let ready = await server.api.get('/health/ready');
      for (let i = 0; i < 50 && ready.status === 200; i++) {
        await new Promise((done) => setTimeout(done, 20));
        ready = await server.api.get('/health/ready');
      }
      expect(ready.status).toBe(503);
      expect(ready.body.status).toBe('shutting_down');
      expect((await refreshAtTokenEndpoint(server.api, client, refreshToken)).status).toBe(200);
      const exit = await stopped;
      expect(exit.code === 0 || exit.signal === 'SIGTERM').toBe(true);
      expect(Date.now() - startedAt).toBeGreaterThanOrEqual(2_500);
    } finally {
      await server.stop();
      await drainDb?.drop();
      rmSync(drainDir, { recursive: true, force: true });
    }
  }, 240_000);
});
