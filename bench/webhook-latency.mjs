// End-to-end webhook latency: from a refresh's 200 to the receiver seeing the request.
// Starts the built server (npm run build first) on 127.0.0.1 with a temporary SQLite file.
// Usage: node bench/webhook-latency.mjs [refreshes=50]
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const count = Number(process.argv[2] ?? 50);
const root = join(import.meta.dirname, '..');
const dataDir = mkdtempSync(join(tmpdir(), 'rts-bench-'));
const adminKey = randomBytes(24).toString('base64url');

const arrivals = new Map();
const receiver = createServer((request, response) => {
  request.resume();
  request.on('end', () => {
    arrivals.set(request.headers['webhook-id'], performance.now());
    response.writeHead(204).end();
  });
});
await new Promise((resolve) => receiver.listen(0, '127.0.0.1', resolve));
const port = await new Promise((resolve) => {
  const probe = createServer().listen(0, '127.0.0.1', () => {
    const { port } = probe.address();
    probe.close(() => resolve(port));
  });
});
const server = spawn(process.execPath, [join(root, 'dist', 'main.js')], {
  cwd: root,
  stdio: 'ignore',
  env: {
    PATH: process.env.PATH,
    NODE_ENV: 'test',
    PORT: String(port),
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    ADMIN_API_KEY: adminKey,
    KEY_ENCRYPTION_KEY: randomBytes(24).toString('base64url'),
    RATE_LIMIT: 'off',
    LOG_LEVEL: 'warn',
    WEBHOOK_ALLOWED_HOSTS: '127.0.0.1',
  },
});
const base = `http://127.0.0.1:${port}`;
const call = async (path, init = {}) => {
  const response = await fetch(base + path, init);
  return { status: response.status, body: await response.json().catch(() => undefined) };
};
const admin = { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' };
try {
  for (let i = 0; ; i++) {
    if ((await call('/.well-known/jwks.json').catch(() => ({ status: 0 }))).status === 200) break;
    if (i > 300) throw new Error('server did not start');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const client = (await call('/api/admin/clients', { method: 'POST', headers: admin, body: JSON.stringify({ name: 'bench', audience: 'bench', public: true }) })).body;
  const user = { loginId: `bench-${Date.now()}@example.com`, password: 'correct horse battery staple' };
  await call('/api/admin/users', { method: 'POST', headers: admin, body: JSON.stringify(user) });
  await call('/api/webhooks', { method: 'POST', headers: admin, body: JSON.stringify({ url: `http://127.0.0.1:${receiver.address().port}/hook` }) });
  let refreshToken = (await call('/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...user, clientId: client.clientId }) })).body.refreshToken;

  const latencies = [];
  for (let i = 0; i < count; i++) {
    const before = arrivals.size;
    const response = await fetch(`${base}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: client.clientId }),
    });
    const answeredAt = performance.now();
    refreshToken = (await response.json()).refresh_token;
    while (arrivals.size === before) await new Promise((resolve) => setTimeout(resolve, 1));
    latencies.push([...arrivals.values()].at(-1) - answeredAt);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  latencies.sort((a, b) => a - b);
  const at = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))].toFixed(1);
  process.stdout.write(`refresh 200 -> receiver request, ${count} refreshes: p50 ${at(0.5)} ms, p95 ${at(0.95)} ms, max ${at(1)} ms, min ${latencies[0].toFixed(1)} ms\n`);
} finally {
  server.kill('SIGTERM');
  receiver.close();
  await new Promise((resolve) => server.once('exit', resolve));
  rmSync(dataDir, { recursive: true, force: true });
}
