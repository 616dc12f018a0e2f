#!/usr/bin/env node
// Refresh-token chain load generator (bench/run.mjs starts it as a separate process).
//
// Taken unchanged in its logic from the peer benchmark's bench-refresh.mjs
// (/work/shared/peer-bench), so that our figures and the peer's come from the same
// client: only the usage line differs.
//
// Runs C concurrent chains for D seconds (after W seconds of warm-up that are
// not counted). Each chain starts from one refresh token of a JSON array file,
// POSTs it, requires HTTP 200, takes the rotated refresh token from the
// response and uses it for its next request. Any non-200 (or a 200 without a
// new refresh token, or a transport error) is an error and ends that chain.
//
// Modes:
//   form  (default) OAuth 2.0 token endpoint: application/x-www-form-urlencoded
//         grant_type=refresh_token&refresh_token=..&client_id=..&client_secret=..
//         reads "refresh_token" from the JSON response
//   body  JSON endpoint (e.g. POST /api/auth/refresh): {"refreshToken": ".."}
//         reads "refreshToken" from the JSON response
//
// Flags (env fallback in brackets):
//   --url URL                [BENCH_URL]            full endpoint URL (required)
//   --tokens FILE            [BENCH_TOKENS]         JSON array of refresh tokens (required)
//   --client-id ID           [BENCH_CLIENT_ID]      form mode only
//   --client-secret SECRET   [BENCH_CLIENT_SECRET]  form mode only
//   --concurrency N          [BENCH_CONCURRENCY]    chains, default 32
//   --duration S             [BENCH_DURATION]       measured seconds, default 15
//   --warmup S               [BENCH_WARMUP]         uncounted seconds first, default 3
//   --mode form|body         [BENCH_MODE]           default form
//   --header 'Name: value'   (repeatable)           extra request header
//
// Output: one JSON line on stdout.
import { readFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';

import { Pool } from 'undici';

function fail(msg) {
  process.stderr.write(`load-generator: ${msg}\n`);
  process.exit(2);
}

const { values: flags } = parseArgs({
  options: {
    url: { type: 'string' },
    tokens: { type: 'string' },
    'client-id': { type: 'string' },
    'client-secret': { type: 'string' },
    concurrency: { type: 'string' },
    duration: { type: 'string' },
    warmup: { type: 'string' },
    mode: { type: 'string' },
    header: { type: 'string', multiple: true },
    help: { type: 'boolean', short: 'h' },
  },
  strict: true,
});

if (flags.help) {
  process.stdout.write('usage: load-generator.mjs --url URL --tokens FILE [--client-id ID --client-secret S]\n'
    + '  [--concurrency 32] [--duration 15] [--warmup 3] [--mode form|body] [--header "K: V"]...\n');
  process.exit(0);
}

const env = process.env;
const opt = (name, envName, dflt) => flags[name] ?? env[envName] ?? dflt;
const num = (name, envName, dflt, { integer = false, min = 0 } = {}) => {
  const raw = opt(name, envName, String(dflt));
  const v = Number(raw);
  if (!Number.isFinite(v) || v < min || (integer && !Number.isInteger(v))) fail(`bad --${name} ${raw}`);
  return v;
};

const url = opt('url', 'BENCH_URL');
const tokensFile = opt('tokens', 'BENCH_TOKENS');
const clientId = opt('client-id', 'BENCH_CLIENT_ID');
const clientSecret = opt('client-secret', 'BENCH_CLIENT_SECRET');
const concurrency = num('concurrency', 'BENCH_CONCURRENCY', 32, { integer: true, min: 1 });
const durationS = num('duration', 'BENCH_DURATION', 15);
const warmupS = num('warmup', 'BENCH_WARMUP', 3);
const mode = opt('mode', 'BENCH_MODE', 'form');

if (!url) fail('--url is required');
if (!tokensFile) fail('--tokens is required');
if (durationS <= 0) fail('--duration must be > 0');
if (mode !== 'form' && mode !== 'body') fail(`--mode must be form or body, got ${mode}`);
if (mode === 'form' && (clientId === undefined || clientSecret === undefined)) {
  fail('form mode needs --client-id and --client-secret');
}

const target = new URL(url);
const path = `${target.pathname}${target.search}`;

const extraHeaders = {};
for (const h of flags.header ?? []) {
  const i = h.indexOf(':');
  if (i <= 0) fail(`bad --header ${h}`);
  extraHeaders[h.slice(0, i).trim().toLowerCase()] = h.slice(i + 1).trim();
}

let tokens;
try {
  tokens = JSON.parse(await readFile(tokensFile, 'utf8'));
} catch (err) {
  fail(`cannot read tokens file ${tokensFile}: ${err.message}`);
}
if (!Array.isArray(tokens) || tokens.some((t) => typeof t !== 'string' || !t)) {
  fail('tokens file must be a JSON array of non-empty strings');
}
if (tokens.length < concurrency) {
  fail(`tokens file has ${tokens.length} tokens, need at least ${concurrency} (one per chain)`);
}

const headers = {
  ...extraHeaders,
  'content-type': mode === 'form' ? 'application/x-www-form-urlencoded' : 'application/json',
  accept: 'application/json',
};
const responseField = mode === 'form' ? 'refresh_token' : 'refreshToken';

function requestBody(refreshToken) {
  if (mode === 'body') return JSON.stringify({ refreshToken });
  return new URLSearchParams({
    grant_type: 'refresh_token',
    refresh_token: refreshToken,
    client_id: clientId,
    client_secret: clientSecret,
  }).toString();
}

const pool = new Pool(target.origin, {
  connections: concurrency,
  pipelining: 1,
  keepAliveTimeout: 30_000,
  keepAliveMaxTimeout: 60_000,
});

const cpu0 = process.cpuUsage();
const t0 = performance.now();
const measureStart = t0 + warmupS * 1000;
const measureEnd = measureStart + durationS * 1000;

const latencies = [];
let ok = 0;
let errors = 0;
let warmupOk = 0;
let lateOk = 0; // completed after the window closed (not counted)
let chainsDied = 0;
const errorSamples = [];

function recordError(status, body, startedAt) {
  errors += 1;
  chainsDied += 1;
  if (errorSamples.length < 3) {
    errorSamples.push({
      status,
      body: String(body).slice(0, 300),
      at_s: Number(((startedAt - t0) / 1000).toFixed(3)),
    });
  }
}

async function chain(initialToken) {
  let refreshToken = initialToken;
  while (performance.now() < measureEnd) {
    const started = performance.now();
    let status = 0;
    let text;
    try {
      const res = await pool.request({
        method: 'POST',
        path,
        headers,
        body: requestBody(refreshToken),
      });
      status = res.statusCode;
      text = await res.body.text();
    } catch (err) {
      recordError(0, `${err.code ?? err.name}: ${err.message}`, started);
      return;
    }
    const done = performance.now();

    if (status !== 200) {
      recordError(status, text, started);
      return;
    }
    let next;
    try {
      next = JSON.parse(text)[responseField];
    } catch {
      next = undefined;
    }
    if (typeof next !== 'string' || next.length === 0) {
      recordError(status, `200 without ${responseField}: ${text}`, started);
      return;
    }
    refreshToken = next;

    if (done < measureStart) {
      warmupOk += 1;
    } else if (done <= measureEnd) {
      ok += 1;
      latencies.push(done - started);
    } else {
      lateOk += 1;
    }
  }
}

await Promise.all(tokens.slice(0, concurrency).map((t) => chain(t)));
await pool.close();

const cpu = process.cpuUsage(cpu0);
const sorted = Float64Array.from(latencies).sort();
const pct = (p) => {
  if (sorted.length === 0) return null;
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return Number(sorted[idx].toFixed(3));
};
const mean = sorted.length ? sorted.reduce((a, b) => a + b, 0) / sorted.length : null;

const result = {
  ok,
  errors,
  rps: Number((ok / durationS).toFixed(1)),
  p50_ms: pct(50),
  p90_ms: pct(90),
  p99_ms: pct(99),
  max_ms: sorted.length ? Number(sorted[sorted.length - 1].toFixed(3)) : null,
  mean_ms: mean === null ? null : Number(mean.toFixed(3)),
  chains: concurrency,
  chainsDied,
  errorSamples,
  mode,
  url,
  duration_s: durationS,
  warmup_s: warmupS,
  warmupOk,
  lateOk,
  client_cpu_s: Number(((cpu.user + cpu.system) / 1e6).toFixed(2)),
};
process.stdout.write(`${JSON.stringify(result)}\n`);
process.exitCode = errors > 0 ? 1 : 0;
