import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createScratchDatabase, type ScratchDatabase } from './support/postgres-database.js';
import { spawnServer as spawnBuiltServer, waitForHttp } from './support/server-process.js';
import { freePort } from './support/test-app.js';

const pgServer = process.env.DATABASE_URL;

describe(`starting the built server (${pgServer ? 'PostgreSQL' : 'SQLite'})`, () => {
  let dataDir: string;
  let scratch: ScratchDatabase | undefined;
  /** In the PostgreSQL pass every start goes to a fresh database on that server (the variable under test still wins). */
  const spawnServer = (env: Record<string, string>) => spawnBuiltServer({ ...(scratch ? { DATABASE_URL: scratch.url } : {}), ...env });

  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'rts-start-'));
    scratch = pgServer ? await createScratchDatabase(pgServer) : undefined;
  });
  afterEach(async () => {
    rmSync(dataDir, { recursive: true, force: true });
    await scratch?.drop();
  });

  it.each([
    ['PORT', 'not-a-port'],
    ['ACCESS_TOKEN_TTL', '-5'],
    ['JWT_ALG', 'HS256'],
    ['REFRESH_REUSE_GRACE_SECONDS', 'ten'],
    ['KEY_ENCRYPTION_KEY', 'too-short'],
    ['DATABASE_URL', 'mysql://localhost/db'],
    ['COOKIE_SAMESITE', 'sideways'],
  ])('stops with one line naming %s when it is invalid', async (variable, value) => {
    const server = spawnServer({ DATA_DIR: dataDir, [variable]: value });
    const { code } = await server.exited;
    expect(code).toBe(1);
    const lines = server.output().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(variable);
  });

  it('requires ADMIN_API_KEY and KEY_ENCRYPTION_KEY in production', async () => {
    const server = spawnServer({ DATA_DIR: dataDir, NODE_ENV: 'production' });
    expect((await server.exited).code).toBe(1);
    expect(server.output()).toMatch(/ADMIN_API_KEY/);
  });

  it('generates an admin key into a 0600 file, logs the file name and never the key', async () => {
    const port = await freePort();
    const server = spawnServer({ DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1' });
    try {
      await waitForHttp(`http://127.0.0.1:${port}/.well-known/jwks.json`);
      const file = join(dataDir, 'admin-api-key');
      const key = readFileSync(file, 'utf8').trim();
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(key.length).toBeGreaterThanOrEqual(32);
      expect(server.output()).toContain(file);
      expect(server.output()).not.toContain(key);
      const clients = await fetch(`http://127.0.0.1:${port}/api/admin/clients`, { headers: { authorization: `Bearer ${key}` } });
      expect(clients.status).toBe(200);
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
    }
  });
});
