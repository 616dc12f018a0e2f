import { jest } from '@jest/globals';
import Database from 'better-sqlite3';
import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createClient, createUser, login, refreshAtTokenEndpoint, type ClientFixture } from './support/fixtures.js';
import { ensureBuilt, sharedSecrets, startServerProcess, type ServerProcess } from './support/server-process.js';
import type { ApiClient } from './support/api-client.js';

jest.setTimeout(120_000);

const ROOT = resolve(import.meta.dirname, '..');

/** `npm run backup -- <file>` as an operator types it, with the server's data folder. */
function runBackup(env: Record<string, string>, file: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(
      'npm',
      ['run', '-s', 'backup', '--', file],
      { cwd: ROOT, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env }, timeout: 60_000 },
      (error, stdout, stderr) => done({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** Refreshes each session in turn until stopped, each on its own latest token. */
function refreshLoad(api: ApiClient, client: ClientFixture, tokens: string[]) {
  let stopped = false;
  let answered = 0;
  const failures: string[] = [];
  const loops = tokens.map(async (first) => {
    let token = first;
    while (!stopped) {
      const response = await refreshAtTokenEndpoint(api, client, token);
      if (response.status !== 200) {
        failures.push(`${response.status} ${response.text}`);
        return;
      }
      token = response.body.refresh_token;
      answered += 1;
    }
  });
  return {
    answered: () => answered,
    failures,
    stop: async () => {
      stopped = true;
      await Promise.all(loops);
    },
  };
}

/**
 * The embedded database's backup: taken with the npm script while the server is under
 * refresh load, restored into a new data folder, and served from there.
 */
describe('npm run backup', () => {
  const folders: string[] = [];
  const servers: ServerProcess[] = [];
  const secrets = sharedSecrets();

  const folder = (prefix: string) => {
    const path = mkdtempSync(join(tmpdir(), prefix));
    folders.push(path);
    return path;
  };

  beforeAll(() => ensureBuilt());
  afterAll(async () => {
    await Promise.all(servers.map((server) => server.stop()));
    for (const path of folders) rmSync(path, { recursive: true, force: true });
  });

  it('takes a consistent copy under load that a new server restores and refreshes from', async () => {
    const dataDir = folder('rts-backup-live-');
    const file = `${dataDir}.backup.sqlite`;
    folders.push(file);
    const server = await startServerProcess({ DATA_DIR: dataDir, ...secrets });
    servers.push(server);
    const client = await createClient(server.api, { public: true });
    const user = await createUser(server.api);
    // Issued (by a rotation) before the backup and never rotated afterwards.
    const first = await login(server.api, user, client);
    const rotated = await refreshAtTokenEndpoint(server.api, client, first.refreshToken);
    expect(rotated.status).toBe(200);
    const kept: string = rotated.body.refresh_token;

    const sessions = await Promise.all(Array.from({ length: 6 }, () => login(server.api, user, client)));
    const load = refreshLoad(
      server.api,
      client,
      sessions.map((session) => session.refreshToken),
    );
    let backup: { code: number; stdout: string; stderr: string };
    let answeredBefore: number;
    try {
      while (load.answered() < 50 && load.failures.length === 0) await new Promise((done) => setTimeout(done, 20));
      answeredBefore = load.answered();
      backup = await runBackup({ DATA_DIR: dataDir }, file);
    } finally {
      await load.stop();
    }
    expect(load.failures).toEqual([]);
    expect(backup.stderr).toBe('');
    expect(backup.code).toBe(0);
    expect(backup.stdout).toContain('integrity_check ok');
    // The load ran on while the backup was taken.
    expect(load.answered()).toBeGreaterThan(answeredBefore);

    // A second run refuses to overwrite the copy.
    const again = await runBackup({ DATA_DIR: dataDir }, file);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('exists already');

    await server.stop();
    const copy = new Database(file, { readonly: true, fileMustExist: true });
    try {
      expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      copy.close();
    }

    // Restore as the README says: the copy becomes the new folder's database file.
    const restoredDir = folder('rts-backup-restored-');
    copyFileSync(file, join(restoredDir, 'refresh-tokens.sqlite'));
    const restored = await startServerProcess({ DATA_DIR: restoredDir, ...secrets });
    servers.push(restored);
    const refreshed = await refreshAtTokenEndpoint(restored.api, client, kept);
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.refresh_token).toEqual(expect.any(String));
  });

  it('refuses a PostgreSQL deployment and points to pg_dump', async () => {
    const result = await runBackup({ DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/test' }, join(folder('rts-backup-pg-'), 'copy.sqlite'));
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('pg_dump');
  });
});
