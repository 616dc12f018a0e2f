// How much a retention purge slows refreshes: the p99 and max latency of refreshes at a
// steady rate while one purge run deletes a backlog, against the same run whose purge finds
// nothing to delete. Two servers in turn (`node dist/main.js`, SQLite, 127.0.0.1), each:
//   1. fill: refresh chains as fast as they go for FILL seconds with a webhook subscription on
//      (outbox events, deliveries, attempts, consumed tokens), then revoke every fill family;
//   2. measure: RATE refreshes/s for SECONDS on fresh chains; the purge timer fires a third of
//      the way in. With retention 1 s it deletes the whole backlog; with retention 1 day, nothing.
// Usage: npm run build && node bench/purge-pause.mjs   (about 90 s; prints JSON)
import { performance } from 'node:perf_hooks';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'undici';
import { http, loginTokens, provision } from './provision.mjs';
import { startServer } from './server-process.mjs';
import { percentile, startReceiver } from './webhook-probe.mjs';

const APP_DIR = resolve(import.meta.dirname, '..');
const FILL_S = Number(process.env.PURGE_BENCH_FILL ?? 20);
const RATE = Number(process.env.PURGE_BENCH_RATE ?? 100);
const SECONDS = Number(process.env.PURGE_BENCH_SECONDS ?? 15);
const FILL_CHAINS = 16;
const PROBE_CHAINS = 16;
const BATCH = Number(process.env.PURGE_BENCH_BATCH ?? 500);

async function refresh(pool, client, chain) {
  const response = await pool.request({
    method: 'POST',
    path: '/oauth/token',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: chain.token, client_id: client.clientId, client_secret: client.clientSecret }).toString(),
  });
  const text = await response.body.text();
  if (response.statusCode !== 200) throw new Error(`HTTP ${response.statusCode}: ${text.slice(0, 200)}`);
  chain.token = JSON.parse(text).refresh_token;
}

async function scenario(label, retentionSeconds, receiver) {
  // The purge timer starts at bootstrap: time it for a third of the way into the measurement.
  const intervalS = Math.round(FILL_S + 1 + SECONDS / 3);
  const server = await startServer({
    appDir: APP_DIR,
    alg: 'RS256',
    workers: 1,
    extraEnv: {
      // Production refuses retention below 60 s; the rest of its settings do not matter here.
      NODE_ENV: 'development',
      LOG_LEVEL: 'info',
      WEBHOOK_POLL_MS: '100',
      FAMILY_RETENTION_SECONDS: String(retentionSeconds),
      WEBHOOK_DELIVERY_RETENTION_SECONDS: String(retentionSeconds),
      OUTBOX_RETENTION_SECONDS: String(retentionSeconds),
      RETENTION_INTERVAL_SECONDS: String(intervalS),
      RETENTION_BATCH_SIZE: String(BATCH),
    },
  });
  const readyAt = Date.now();
  const t0 = performance.now(); // (about) bootstrap, when the purge timer started
  try {
    const fixture = await provision(server);
    const client = fixture.confidential;
    const subscription = await http(server.baseUrl, '/api/webhooks', {
      adminKey: server.adminKey,
      json: { url: receiver.url, events: ['token.issued', 'token.refreshed', 'token.revoked'] },
    });
    if (subscription.status !== 201) throw new Error(`subscribe: ${subscription.status} ${subscription.text}`);
    const fillChains = (await loginTokens(server, fixture, client, FILL_CHAINS)).map((token) => ({ token }));
    const probeChains = (await loginTokens(server, fixture, client, PROBE_CHAINS)).map((token) => ({ token }));
    const pool = new Pool(server.baseUrl, { connections: FILL_CHAINS + PROBE_CHAINS, keepAliveTimeout: 30_000 });

    // 1. fill
    let filled = 0;
    const fillUntil = t0 + FILL_S * 1000;
    await Promise.all(
      fillChains.map(async (chain) => {
        while (performance.now() < fillUntil) {
          await refresh(pool, client, chain);
          filled += 1;
        }
      }),
    );
    for (const chain of fillChains) {
      await http(server.baseUrl, '/oauth/revoke', {
        json: { token: chain.token, client_id: client.clientId, client_secret: client.clientSecret },
      });
    }
    await sleep(Math.max(0, t0 + (FILL_S + 1) * 1000 - performance.now()));

    // 2. measure at a steady rate
    const samples = [];
    const idle = [...probeChains];
    const inFlight = new Set();
    const start = performance.now();
    let skipped = 0;
    for (let i = 0; i < RATE * SECONDS; i++) {
      const wait = start + (i * 1000) / RATE - performance.now();
      if (wait > 1) await sleep(wait);
      const chain = idle.shift();
      if (!chain) {
        skipped += 1;
        continue;
      }
      const sent = performance.now();
      const request = refresh(pool, client, chain).then(() => {
        samples.push({ at: sent - t0, ms: performance.now() - sent });
        idle.push(chain);
      });
      inFlight.add(request);
      request.finally(() => inFlight.delete(request));
    }
    await Promise.all(inFlight);
    await pool.close();

    const purges = readFileSync(join(server.dataDir, 'server.log'), 'utf8')
      .split('\n')
      .filter((line) => line.includes('"msg":"Purged'))
      .map((line) => JSON.parse(line))
      .map((entry) => ({ endedAtS: Number(((entry.time - readyAt) / 1000).toFixed(2)), msg: entry.msg }));
    const all = Float64Array.from(samples.map((s) => s.ms)).sort();
    // The window the purge can touch: from half a second before the timer to 1.5 s after it.
    const inWindow = (s) => s.at >= (intervalS - 0.5) * 1000 && s.at < (intervalS + 1.5) * 1000;
    const window = Float64Array.from(samples.filter(inWindow).map((s) => s.ms)).sort();
    const rest = Float64Array.from(samples.filter((s) => !inWindow(s)).map((s) => s.ms)).sort();
    return {
      label,
      retentionSeconds,
      fillRefreshes: filled,
      purgeTimerAtS: intervalS,
      purges,
      refreshes: samples.length,
      skipped,
      p50_ms: percentile(all, 50),
      p99_ms: percentile(all, 99),
      max_ms: percentile(all, 100),
      purgeWindow: { refreshes: window.length, p50_ms: percentile(window, 50), p99_ms: percentile(window, 99), max_ms: percentile(window, 100) },
      outsideWindow: { refreshes: rest.length, p50_ms: percentile(rest, 50), p99_ms: percentile(rest, 99), max_ms: percentile(rest, 100) },
    };
  } finally {
    await server.stop();
  }
}

const receiver = await startReceiver();
try {
  const without = await scenario('purge finds nothing (retention 1 day)', 86_400, receiver);
  process.stderr.write(`${JSON.stringify(without)}\n`);
  const withPurge = await scenario('purge deletes the fill backlog (retention 1 s)', 1, receiver);
  process.stderr.write(`${JSON.stringify(withPurge)}\n`);
  process.stdout.write(`${JSON.stringify({ rate: RATE, seconds: SECONDS, fillSeconds: FILL_S, batch: BATCH, without, withPurge }, null, 1)}\n`);
} finally {
  await receiver.close();
}
