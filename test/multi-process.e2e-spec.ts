import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiClient } from './support/api-client.js';
import { createClient, createUser, login, refreshAtTokenEndpoint } from './support/fixtures.js';
import { createScratchDatabase } from './support/postgres-database.js';
import { ensureBuilt, sharedSecrets, startServerProcess, type ServerProcess } from './support/server-process.js';

/**
 * Several server processes on one database: the built server (`node dist/main.js`), as
 * operators run it. On SQLite, one server with WORKERS=2 and two servers over one DATA_DIR;
 * in the PostgreSQL pass (DATABASE_URL set), the same on one fresh PostgreSQL database.
 */

interface Deployment {
  apis: ApiClient[];
  servers: ServerProcess[];
  stop(): Promise<void>;
}

type Scenario = { name: string; start(env: Record<string, string>): Promise<Deployment> };

async function deployment(servers: ServerProcess[], cleanup: () => Promise<void>): Promise<Deployment> {
  return {
    servers,
    apis: servers.map((server) => server.api),
    stop: async () => {
      const results = await Promise.all(servers.map((server) => server.stop()));
      await cleanup();
      for (const [index, result] of results.entries()) {
        // Nest re-raises the signal once it has closed, so a clean stop ends by SIGTERM (or exit 0).
        if (result.code !== 0 && result.signal !== 'SIGTERM') {
          throw new Error(`Server exited with ${result.code ?? result.signal}:\n${servers[index]!.output().slice(-4000)}`);
        }
      }
    },
  };
}

const pgServer = process.env.DATABASE_URL;

/** Fresh storage for one deployment: a temporary DATA_DIR, and a fresh database in the PostgreSQL pass. */
async function freshStorage(): Promise<{ env: Record<string, string>; remove(): Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'rts-mp-'));
  const database = pgServer ? await createScratchDatabase(pgServer) : undefined;
  return {
    env: { DATA_DIR: dataDir, DATABASE_URL: database?.url ?? '' },
    remove: async () => {
      await database?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function startDeployment(env: Record<string, string>, processes: number, workersEach: number): Promise<Deployment> {
  const storage = await freshStorage();
  const shared = { ...env, ...sharedSecrets(), ...storage.env, WORKERS: String(workersEach) };
  // Started together on purpose: migrations and the first signing key must not race.
  const started = await Promise.allSettled(Array.from({ length: processes }, () => startServerProcess(shared)));
  const servers = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const failed = started.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failed) {
    await Promise.all(servers.map((server) => server.stop()));
    await storage.remove();
    throw failed.reason;
  }
  return deployment(servers, storage.remove);
}

const database = pgServer ? 'PostgreSQL' : 'SQLite';
const scenarios: Scenario[] = [
  { name: `${database}, one server with WORKERS=2`, start: (env) => startDeployment(env, 1, 2) },
  { name: `${database}, two servers on one database, started together`, start: (env) => startDeployment(env, 2, 1) },
];

const CONCURRENT_REFRESHES = 50;

async function loginOnce(api: ApiClient) {
  const client = await createClient(api, { public: true });
  const user = await createUser(api);
  return { client, tokens: await login(api, user, client) };
}

describe.each(scenarios)('$name', (scenario) => {
  beforeAll(() => ensureBuilt(), 240_000);

  it('grace 0: of 50 simultaneous refreshes of one token across the processes, exactly one succeeds and the family is revoked', async () => {
    const deployed = await scenario.start({ REFRESH_REUSE_GRACE_SECONDS: '0' });
    try {
      const [first, second] = deployed.apis.length > 1 ? deployed.apis : [deployed.apis[0]!, deployed.apis[0]!];
      // Every process publishes the same single key: starting together created one, not one each.
      const [jwksA, jwksB] = await Promise.all([first!.get('/.well-known/jwks.json'), second!.get('/.well-known/jwks.json')]);
      expect(jwksA.body.keys).toHaveLength(1);
      expect(jwksB.body).toEqual(jwksA.body);

      const { client, tokens } = await loginOnce(first!);
      const responses = await Promise.all(
        Array.from({ length: CONCURRENT_REFRESHES }, (_, index) => refreshAtTokenEndpoint(deployed.apis[index % deployed.apis.length]!, client, tokens.refreshToken)),
      );
      const statuses = responses.map((response) => response.status);
      expect(statuses.filter((status) => status === 200)).toHaveLength(1);
      expect(statuses.filter((status) => status === 400)).toHaveLength(CONCURRENT_REFRESHES - 1);
      for (const response of responses) if (response.status === 400) expect(response.body.error).toBe('invalid_grant');
      // The losers were reuse: the whole family is revoked, the winner's successor with it.
      const winner = responses.find((response) => response.status === 200)!;
      expect((await refreshAtTokenEndpoint(second!, client, winner.body.refresh_token)).status).toBe(400);
    } finally {
      await deployed.stop();
    }
  }, 180_000);

  it('grace 10: all 50 simultaneous refreshes succeed with one and the same successor, which then refreshes', async () => {
    const deployed = await scenario.start({ REFRESH_REUSE_GRACE_SECONDS: '10' });
    try {
      const first = deployed.apis[0]!;
      const last = deployed.apis[deployed.apis.length - 1]!;
      const { client, tokens } = await loginOnce(first);
      const responses = await Promise.all(
        Array.from({ length: CONCURRENT_REFRESHES }, (_, index) => refreshAtTokenEndpoint(deployed.apis[index % deployed.apis.length]!, client, tokens.refreshToken)),
      );
      expect(responses.map((response) => response.status)).toEqual(Array(CONCURRENT_REFRESHES).fill(200));
      const successors = new Set(responses.map((response) => response.body.refresh_token as string));
      expect(successors.size).toBe(1);
      expect(new Set(responses.map((response) => response.body.access_token)).size).toBe(CONCURRENT_REFRESHES);
      const next = await refreshAtTokenEndpoint(last, client, [...successors][0]!);
      expect(next.status).toBe(200);
    } finally {
      await deployed.stop();
    }
  }, 180_000);
});

describe(`${database}, first start of WORKERS=2 with no secrets configured`, () => {
  beforeAll(() => ensureBuilt(), 240_000);

  it('the workers agree on one generated admin key and one generated key-encryption key', async () => {
    const storage = await freshStorage();
    const server = await startServerProcess({ ...storage.env, WORKERS: '2', ADMIN_API_KEY: '', KEY_ENCRYPTION_KEY: '', REFRESH_REUSE_GRACE_SECONDS: '10' });
    try {
      const adminKey = readFileSync(join(storage.env.DATA_DIR!, 'admin-api-key'), 'utf8').trim();
      expect(adminKey.length).toBeGreaterThanOrEqual(32);
      const api = new ApiClient(server.baseUrl, adminKey);
      // Concurrent requests open concurrent connections, spread over both workers: each accepts the key in the file.
      const listings = await Promise.all(Array.from({ length: 20 }, () => api.get('/api/admin/clients', { admin: true })));
      expect(listings.map((response) => response.status)).toEqual(Array(20).fill(200));
      // Grace replays open the successor sealed by whichever worker rotated: one KEK for all.
      const { client, tokens } = await loginOnce(api);
      const responses = await Promise.all(Array.from({ length: 20 }, () => refreshAtTokenEndpoint(api, client, tokens.refreshToken)));
      expect(responses.map((response) => response.status)).toEqual(Array(20).fill(200));
      expect(new Set(responses.map((response) => response.body.refresh_token)).size).toBe(1);
    } finally {
      const exit = await server.stop();
      await storage.remove();
      expect(exit.code === 0 || exit.signal === 'SIGTERM').toBe(true);
    }
  }, 180_000);
});
