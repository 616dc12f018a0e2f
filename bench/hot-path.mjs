#!/usr/bin/env node
// The refresh hot path in-process, without sockets: boots the built AppModule with
// production settings on a fresh SQLite file and drives POST /oauth/token through
// Fastify's inject(). Reports the event loop's own CPU time per refresh (the budget
// that bounds throughput once signing is off the main thread) as the best and median of
// several rounds, which keeps the figure usable on a machine busy with other work.
//
//   node bench/hot-path.mjs [--app DIR] [--alg RS256] [--rounds 7] [--refreshes 400] [--concurrency 1] [--webhook]
//
// With --webhook, one subscription receives every token.refreshed on a receiver in a worker
// thread (so its CPU is not the event loop's), and each round lasts until every event of
// the round has arrived: the figure then includes fan-out, dispatch and recording.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    app: { type: 'string', default: resolve(import.meta.dirname ?? '.', '..') },
    alg: { type: 'string', default: 'RS256' },
    rounds: { type: 'string', default: '7' },
    refreshes: { type: 'string', default: '400' },
    concurrency: { type: 'string', default: '1' },
    webhook: { type: 'boolean', default: false },
  },
});
const appDir = resolve(values.app);
const rounds = Number(values.rounds);
const perRound = Number(values.refreshes);
const concurrency = Number(values.concurrency);

const dataDir = mkdtempSync(join(tmpdir(), 'rts-hot-'));
Object.assign(process.env, {
  NODE_ENV: 'production',
  DATA_DIR: dataDir,
  ADMIN_API_KEY: randomBytes(32).toString('base64url'),
  KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64url'),
  RATE_LIMIT: 'off',
  LOG_LEVEL: 'warn',
  JWT_ALG: values.alg,
  ISSUER: 'http://127.0.0.1:3030',
  WEBHOOK_ALLOWED_HOSTS: '127.0.0.1',
});

function mainThreadCpuMs() {
  const stat = readFileSync(`/proc/${process.pid}/task/${process.pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

await import(join(appDir, 'node_modules/reflect-metadata/Reflect.js'));
const { NestFactory } = await import(join(appDir, 'node_modules/@nestjs/core/index.js'));
const { AppModule } = await import(join(appDir, 'dist/src/app.module.js'));
const { configureApp, createHttpAdapter } = await import(join(appDir, 'dist/src/app.setup.js'));

const app = await NestFactory.create(AppModule, createHttpAdapter({ trustProxy: false }), { logger: ['error', 'warn'] });
await configureApp(app);
await app.init();
const fastify = app.getHttpAdapter().getInstance();
await fastify.ready();

const admin = { authorization: `Bearer ${process.env.ADMIN_API_KEY}` };
async function call(method, url, { json, form, headers = {} } = {}) {
  const response = await fastify.inject({
    method,
    url,
    headers: { ...headers, ...(json ? { 'content-type': 'application/json' } : {}), ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
    payload: json ? JSON.stringify(json) : form ? new URLSearchParams(form).toString() : undefined,
  });
  return { status: response.statusCode, body: response.json() };
}

const client = (await call('POST', '/api/admin/clients', { headers: admin, json: { name: 'hot', audience: 'lemonApp', public: false } })).body;
const user = { loginId: 'hot@example.com', password: 'hot path password' };
await call('POST', '/api/admin/users', { headers: admin, json: user });
const receiver = values.webhook ? await startReceiverThread() : undefined;
if (receiver) {
  const created = await call('POST', '/api/webhooks', { headers: admin, json: { url: receiver.url, events: ['token.refreshed'] } });
  if (created.status !== 201) throw new Error(`subscription refused: ${JSON.stringify(created.body)}`);
}
let refreshed = 0;

/** A keep-alive HTTP receiver in a worker thread; `received()` reads its count from shared memory. */
async function startReceiverThread() {
  const { Worker } = await import('node:worker_threads');
  const counter = new Int32Array(new SharedArrayBuffer(4));
  const worker = new Worker(
    `const { createServer } = require('node:http');
     const { workerData, parentPort } = require('node:worker_threads');
     const server = createServer((request, response) => {
       request.resume();
       request.on('end', () => { Atomics.add(workerData, 0, 1); response.writeHead(204).end(); });
     });
     server.keepAliveTimeout = 30000;
     server.listen(0, '127.0.0.1', () => parentPort.postMessage(server.address().port));`,
    { eval: true, workerData: counter },
  );
  const port = await new Promise((resolve) => worker.once('message', resolve));
  worker.unref();
  return { url: `http://127.0.0.1:${port}/hook`, received: () => Atomics.load(counter, 0), stop: () => worker.terminate() };
}

async function allDelivered() {
  const deadline = performance.now() + 60_000;
  while (receiver.received() < refreshed) {
    if (performance.now() > deadline) throw new Error(`only ${receiver.received()} of ${refreshed} events delivered`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const chains = [];
for (let i = 0; i < concurrency; i++) {
  const login = await call('POST', '/api/auth/login', { json: { ...user, clientId: client.clientId, clientSecret: client.clientSecret } });
  if (login.status !== 200) throw new Error(`login failed: ${JSON.stringify(login.body)}`);
  chains.push(login.body.refreshToken);
}

async function refresh(index) {
  const response = await call('POST', '/oauth/token', {
    form: { grant_type: 'refresh_token', refresh_token: chains[index], client_id: client.clientId, client_secret: client.clientSecret },
  });
  if (response.status !== 200) throw new Error(`refresh failed: ${response.status} ${JSON.stringify(response.body)}`);
  chains[index] = response.body.refresh_token;
  refreshed++;
}

async function round() {
  const cpu0 = mainThreadCpuMs();
  const t0 = performance.now();
  const each = Math.ceil(perRound / concurrency);
  await Promise.all(chains.map(async (_, index) => {
    for (let i = 0; i < each; i++) await refresh(index);
  }));
  if (receiver) await allDelivered();
  const count = each * concurrency;
  return { mainUs: ((mainThreadCpuMs() - cpu0) * 1000) / count, wallUs: ((performance.now() - t0) * 1000) / count };
}

await round(); // warm-up: JIT, statement cache
const results = [];
for (let i = 0; i < rounds; i++) results.push(await round());
const sorted = (key) => results.map((r) => r[key]).sort((a, b) => a - b);
const median = (list) => list[Math.floor(list.length / 2)];
const main = sorted('mainUs');
const wall = sorted('wallUs');
process.stdout.write(
  `${JSON.stringify({
    app: appDir,
    alg: values.alg,
    concurrency,
    webhook: values.webhook,
    refreshes_per_round: perRound,
    rounds,
    main_thread_us_per_refresh_best: Math.round(main[0]),
    main_thread_us_per_refresh_median: Math.round(median(main)),
    wall_us_per_refresh_best: Math.round(wall[0]),
    wall_us_per_refresh_median: Math.round(median(wall)),
  })}\n`,
);
await app.close();
await receiver?.stop();
rmSync(dataDir, { recursive: true, force: true });
