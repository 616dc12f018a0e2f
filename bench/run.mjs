#!/usr/bin/env node
// `npm run bench`: builds, starts the server on a fresh database with production
// settings, provisions clients and users, runs refresh chains against /oauth/token and
// /api/auth/refresh, measures the machine's signing ceiling, the peer, PostgreSQL, the
// growth step and the peer again in alternating pairs with ours, all in one run. Prints one JSON summary on stdout (progress goes to
// stderr) and rewrites the generated block of bench/RESULTS.md. Options: bench/README.md.
import { execFileSync, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { cpus, loadavg, totalmem, release, platform, arch } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { growthStep, parseGrowthSizes } from './growth.mjs';
import { lastJsonLine, loadRun, round } from './load-run.mjs';
import { peerPairs } from './peer-pairs.mjs';
import { provision, loginTokens, routeExists, http } from './provision.mjs';
import { checkTargets, writeResults } from './report.mjs';
import { freePort, machineCpu, sampleTree, startServer } from './server-process.mjs';
import { signCeiling } from './sign-ceiling.mjs';
import { startReceiver, steadyRateProbe } from './webhook-probe.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');
const workDir = join(root, 'bench/.work');
const DEFAULT_PEER_SOURCE = resolve(root, '../shared/peer-bench');
const IDLE_SETTLE_MS = 1000;
const DEFAULT_POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

function log(message) {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

function readConfig() {
  const env = process.env;
  const quick = env.BENCH_QUICK === '1' || process.argv.includes('--quick');
  const num = (name, fallback) => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a non-negative number, got "${raw}"`);
    return value;
  };
  const list = (name, fallback) => (env[name] ? env[name].split(',').map((item) => item.trim()).filter(Boolean) : fallback);
  const appDir = resolve(env.BENCH_APP_DIR ?? root);
  return {
    quick,
    label: env.BENCH_LABEL ?? '',
    app_dir: appDir,
    app_dir_note: appDir === root ? 'dist/ of this checkout' : appDir,
    build: env.BENCH_SKIP_BUILD !== '1' && appDir === root,
    concurrency: num('BENCH_CONCURRENCY', 32),
    duration_s: num('BENCH_DURATION', quick ? 5 : 15),
    duration_c1_s: num('BENCH_DURATION_C1', quick ? 3 : 10),
    warmup_s: num('BENCH_WARMUP', quick ? 1 : 3),
    algs: list('BENCH_ALGS', ['RS256', 'ES256', 'EdDSA']),
    modes: list('BENCH_MODES', ['form', 'body']),
    workers: list('BENCH_WORKERS', [env.WORKERS ?? '1']).map(Number),
    sqlite: env.BENCH_SQLITE !== 'off',
    postgres: env.BENCH_POSTGRES !== 'off',
    postgres_url: env.BENCH_POSTGRES_URL ?? DEFAULT_POSTGRES_URL,
    postgres_workers: list('BENCH_POSTGRES_WORKERS', ['1', '2']).map(Number),
    postgres_algs: list('BENCH_POSTGRES_ALGS', ['RS256']),
    webhooks: env.BENCH_WEBHOOKS !== 'off',
    growth: parseGrowthSizes(env.BENCH_GROWTH ?? '1m,5m'),
    growth_pairs: num('BENCH_GROWTH_PAIRS', quick ? 1 : 3),
    growth_seconds: num('BENCH_GROWTH_DURATION', quick ? 5 : 10),
    growth_outbox: env.BENCH_GROWTH_OUTBOX === 'all' ? 'all' : 'retained',
    // "half": half the webhooks-on C=32 throughput measured in the same run.
    webhook_rate: env.BENCH_WEBHOOK_RATE && env.BENCH_WEBHOOK_RATE !== 'half' ? num('BENCH_WEBHOOK_RATE', 0) : 'half',
    webhook_seconds: num('BENCH_WEBHOOK_DURATION', quick ? 5 : 10),
    ceiling_s: num('BENCH_CEILING_SECONDS', quick ? 1 : 2),
    peer: env.BENCH_PEER !== 'off',
    peer_source: env.PEER_BENCH_DIR ? resolve(env.PEER_BENCH_DIR) : DEFAULT_PEER_SOURCE,
    peer_pairs: num('BENCH_PEER_PAIRS', quick ? 1 : 3),
    peer_pair_seconds: num('BENCH_PEER_PAIR_DURATION', quick ? 5 : 10),
    cpu_prof_dir: env.BENCH_CPU_PROF ? resolve(env.BENCH_CPU_PROF) : undefined,
    // Extra variables for the server, e.g. "UV_THREADPOOL_SIZE=2,DATABASE_POOL_SIZE=20".
    server_env: Object.fromEntries(list('BENCH_SERVER_ENV', []).map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)])),
    results_file: resolve(env.BENCH_RESULTS_FILE ?? join(root, 'bench/RESULTS.md')),
    write_results: env.BENCH_WRITE_RESULTS !== '0',
  };
}

function machineInfo() {
  const list = cpus();
  return {
    cpu_model: list[0]?.model?.trim() ?? 'unknown',
    cores: list.length,
    memory_gb: totalmem() / 1024 ** 3,
    platform: `${platform()} ${release()} ${arch()}`,
    node: process.version,
    loadavg_start: loadavg(),
  };
}

function git(args) {
  try {
    return execFileSync('git', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return '';
  }
}

async function webhookFigures(server, fixture, config, offRun) {
  const available = await routeExists(server.baseUrl, '/api/webhooks', server.adminKey);
  if (!available) return { available: false, reason: 'POST /api/webhooks answers 404: the webhook module is not in this build' };
  const receiver = await startReceiver();
  try {
    const created = await http(server.baseUrl, '/api/webhooks', {
      adminKey: server.adminKey,
      json: { url: receiver.url, events: ['token.refreshed'], description: 'bench receiver' },
    });
    if (created.status !== 201) return { available: true, error: `subscription refused: ${created.status} ${created.text.slice(0, 200)}` };
    log('webhooks on: form C=' + config.concurrency);
    const receivedBefore = receiver.received;
    const tokens = await loginTokens(server, fixture, fixture.confidential, config.concurrency);
    const onRun = await loadRun(server, {
      mode: 'form',
      concurrency: config.concurrency,
      duration: config.duration_s,
      warmup: config.warmup_s,
      client: fixture.confidential,
      tokens,
    });
    const receivedDuring = receiver.received - receivedBefore;
    // Latency is judged at a steady half of what the server sustained with webhooks on.
    const rate = config.webhook_rate === 'half' ? Math.max(1, Math.round(onRun.rps / 2)) : config.webhook_rate;
    log(`webhooks on: ${onRun.rps} rps; steady ${rate}/s for ${config.webhook_seconds} s`);
    // Let the dispatcher drain the backlog of the saturating run before timing events.
    const drainUntil = Date.now() + 30_000;
    let last = -1;
    while (Date.now() < drainUntil && receiver.received !== last) {
      last = receiver.received;
      await new Promise((r) => setTimeout(r, 1000));
    }
    const steadyTokens = await loginTokens(server, fixture, fixture.confidential, config.concurrency);
    const steady = await steadyRateProbe({
      baseUrl: server.baseUrl,
      client: fixture.confidential,
      tokens: steadyTokens,
      rate,
      seconds: config.webhook_seconds,
      receiver,
    });
    return { available: true, off_c32: offRun ?? null, on_c32: onRun, received_during_c32: receivedDuring, steady_rate_rule: config.webhook_rate === 'half' ? 'half the webhooks-on C=32 throughput' : 'fixed (BENCH_WEBHOOK_RATE)', steady };
  } catch (error) {
    return { available: true, error: error.message };
  } finally {
    await receiver.close();
  }
}

async function runScenario(config, { alg, workers, db }) {
  const name = `${alg}, ${db === 'sqlite' ? 'SQLite (durable, WAL + synchronous=NORMAL)' : 'PostgreSQL'}, WORKERS=${workers}`;
  const scenario = { name, alg, db, workers_requested: workers, runs: [], notes: [] };
  let databaseUrl;
  let dropDatabase = async () => {};
  if (db === 'postgres') ({ databaseUrl, dropDatabase } = await scratchPostgres(config.postgres_url));
  const nodeArgs = config.cpu_prof_dir ? ['--cpu-prof', '--cpu-prof-dir', config.cpu_prof_dir] : [];
  log(`scenario: ${name}`);
  let server;
  try {
    server = await startServer({ appDir: config.app_dir, alg, workers, databaseUrl, nodeArgs, extraEnv: config.server_env });
  } catch (error) {
    await dropDatabase();
    scenario.error = error.message;
    log(`scenario failed: ${error.message.split('\n')[0]}`);
    return scenario;
  }
  try {
    // Idle RSS: after start, before any request but the readiness probe.
    await new Promise((r) => setTimeout(r, IDLE_SETTLE_MS));
    scenario.idle_rss_mb = round(sampleTree(server.pid).rss_mb, 1);
    const fixture = await provision(server);
    scenario.processes = sampleTree(server.pid).processes;
    if (workers > 1 && scenario.processes < workers + 1) {
      scenario.workers_note = 'this build runs a single process: WORKERS is not implemented in it';
    }
    let formC32;
    for (const mode of config.modes) {
      const path = mode === 'form' ? '/oauth/token' : '/api/auth/refresh';
      if (mode === 'body' && !(await routeExists(server.baseUrl, path))) {
        scenario.notes.push('Body mode skipped: POST /api/auth/refresh answers 404 in this build (the route comes from another branch).');
        log('body mode skipped: POST /api/auth/refresh answers 404');
        continue;
      }
      const client = mode === 'form' ? fixture.confidential : fixture.public;
      for (const [concurrency, duration] of [
        [config.concurrency, config.duration_s],
        [1, config.duration_c1_s],
      ]) {
        if (duration <= 0) continue;
        const tokens = await loginTokens(server, fixture, client, concurrency);
        log(`${mode} C=${concurrency} for ${duration} s`);
        const run = await loadRun(server, { mode, concurrency, duration, warmup: config.warmup_s, client, tokens });
        log(`  ${run.rps} rps, p50 ${run.p50_ms} ms, p99 ${run.p99_ms} ms, errors ${run.errors}, server ${run.server_cpu_util} cores (${run.server_cpu_ms_per_refresh} ms/refresh, main thread ${run.main_thread_ms_per_refresh}), others ${run.other_cpu_cores} cores`);
        if (run.errors > 0) scenario.notes.push(`${mode} C=${concurrency}: ${run.errors} errors, e.g. ${JSON.stringify(run.errorSamples[0])}`);
        scenario.runs.push(run);
        if (mode === 'form' && concurrency === config.concurrency) formC32 = run;
      }
    }
    if (config.webhooks && db === 'sqlite' && workers === 1 && alg === config.algs[0]) {
      scenario.webhooks = await webhookFigures(server, fixture, config, formC32);
      if (scenario.webhooks.available === false) log(`webhooks: ${scenario.webhooks.reason}`);
    }
    const final = sampleTree(server.pid);
    scenario.peak_rss_mb = round(Math.max(server.lifetimePeak ?? 0, final.peak_rss_mb), 1);
    scenario.load_peak_rss_mb = round(Math.max(0, ...scenario.runs.map((r) => r.window_peak_rss_mb ?? 0)), 1);
    if (server.exited) throw new Error(`the server died: ${JSON.stringify(server.exited)}\n${server.log()}`);
  } catch (error) {
    scenario.error = `${error.message}\n${server.log().slice(-2000)}`;
    log(`scenario failed: ${error.message}`);
  } finally {
    await server.stop();
    await dropDatabase();
  }
  return scenario;
}

/** A database of its own on the given PostgreSQL server, dropped afterwards. */
async function scratchPostgres(baseUrl) {
  const { default: pg } = await import('pg');
  const name = `rts_bench_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return {
    databaseUrl: url.toString(),
    dropDatabase: async () => {
      const client = new pg.Client({ connectionString: baseUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

/**
 * The peer, ready to run: PEER_BENCH_DIR as it is when it has node_modules; otherwise (and by
 * default, from ../shared/peer-bench) a copy in bench/.work/peer with `npm ci` done, redone only
 * when the package-lock changes.
 */
function preparePeer(config) {
  const source = config.peer_source;
  if (!existsSync(join(source, 'run-peer.sh'))) return { error: `${source} has no run-peer.sh` };
  if (existsSync(join(source, 'node_modules'))) return { dir: source };
  const dir = join(workDir, 'peer');
  const lock = readFileSync(join(source, 'package-lock.json'));
  const stamp = join(dir, '.installed-lock');
  const installed = existsSync(stamp) && existsSync(join(dir, 'node_modules')) && readFileSync(stamp).equals(lock);
  mkdirSync(dir, { recursive: true });
  cpSync(source, dir, { recursive: true, filter: (path) => !path.includes('node_modules') });
  if (!installed) {
    log(`peer: npm ci in ${dir}`);
    rmSync(stamp, { force: true });
    try {
      execFileSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] });
    } catch (error) {
      return { error: `npm ci for the peer failed in ${dir}: ${error.message}` };
    }
    writeFileSync(stamp, lock);
  }
  return { dir };
}

/** Whether something answers on host:port within a second (the default PostgreSQL). */
function answers(url) {
  const { hostname, port } = new URL(url);
  return new Promise((resolvePromise) => {
    const socket = connect({ host: hostname, port: Number(port || 5432) });
    const done = (ok) => {
      socket.destroy();
      resolvePromise(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** The peer's own script (server + the same load generator), C and C=1, on a free port. */
async function runPeer(config, peerDir) {
  const peer = {};
  for (const [key, concurrency, duration] of [
    ['c32', config.concurrency, config.duration_s],
    ['c1', 1, config.duration_c1_s],
  ]) {
    if (duration > 0) peer[key] = await peerRun(config, peerDir, concurrency, duration);
  }
  if (peer.c32?.error) peer.error = peer.c32.error;
  return peer;
}

/** One run of the peer's script: its figures, or `{ error }`. */
async function peerRun(config, peerDir, concurrency, duration) {
  log(`peer C=${concurrency} for ${duration} s`);
  const script = join(peerDir, 'run-peer.sh');
  const port = await freePort();
  const machine0 = machineCpu();
  const started = Date.now();
  const { stdout, stderr, code } = await new Promise((resolvePromise, reject) => {
    const child = spawn('bash', [script, '--concurrency', String(concurrency), '--duration', String(duration), '--warmup', String(config.warmup_s)], {
      cwd: peerDir,
      env: { ...process.env, PORT: String(port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.stderr.on('data', (chunk) => (err += chunk));
    child.once('error', reject);
    child.once('exit', (exitCode) => resolvePromise({ stdout: out, stderr: err, code: exitCode }));
  });
  const wall = (Date.now() - started) / 1000;
  try {
    const result = lastJsonLine(stdout);
    const machine1 = machineCpu();
    result.machine_busy_cores_whole_script = round((machine1.busy_s - machine0.busy_s) / wall);
    const answered = result.ok + result.warmupOk + result.lateOk;
    result.server_cpu_ms_per_refresh = answered > 0 ? round((result.server_cpu_s * 1000) / answered, 3) : null;
    log(`  peer ${result.rps} rps, p50 ${result.p50_ms} ms, p99 ${result.p99_ms} ms, errors ${result.errors}`);
    return result;
  } catch {
    return { error: `run-peer.sh exited ${code}: ${stderr.slice(0, 500)}` };
  }
}

async function main() {
  const config = readConfig();
  const machine = machineInfo();
  log(`config: ${JSON.stringify({ ...config, postgres_url: new URL(config.postgres_url).host })}`);
  if (config.build) {
    log('npm run build');
    execFileSync('npm', ['run', 'build'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  }
  if (!existsSync(join(config.app_dir, 'dist/main.js'))) throw new Error(`${config.app_dir}/dist/main.js is missing: build first`);

  log('signing ceiling');
  const ceiling = [];
  if (config.ceiling_s > 0) for (const alg of [...new Set(['RS256', ...config.algs])]) ceiling.push(await signCeiling(alg, config.ceiling_s));

  let peer;
  let peerDir;
  if (config.peer) {
    const prepared = preparePeer(config);
    if (prepared.error) log(`peer not run: ${prepared.error}`);
    peerDir = prepared.dir;
    peer = prepared.error ? { error: prepared.error } : await runPeer(config, peerDir);
  }
  const postgres = config.postgres && (await answers(config.postgres_url));
  if (config.postgres && !postgres) log(`PostgreSQL skipped: nothing answers at ${new URL(config.postgres_url).host}`);

  const plans = [];
  if (config.sqlite) for (const workers of config.workers) for (const alg of config.algs) plans.push({ alg, workers, db: 'sqlite' });
  if (postgres) for (const workers of config.postgres_workers) for (const alg of config.postgres_algs) plans.push({ alg, workers, db: 'postgres' });
  const scenarios = [];
  for (const plan of plans) scenarios.push(await runScenario(config, plan));

  const growth = config.growth.length > 0 ? await growthStep(config, { log }) : [];
  const pairs =
    peerDir && config.sqlite && config.peer_pairs > 0
      ? await peerPairs(config, { log, peerRun: (concurrency, seconds) => peerRun(config, peerDir, concurrency, seconds) })
      : undefined;

  const summary = {
    finished_at: new Date().toISOString(),
    commit: git(['rev-parse', '--short', 'HEAD']) || 'unknown',
    dirty: git(['status', '--porcelain', '--untracked-files=no']) !== '',
    machine: { ...machine, loadavg_end: loadavg() },
    config: { ...config, postgres_url: postgres ? new URL(config.postgres_url).host : undefined, postgres_ran: postgres },
    ceiling,
    peer,
    peer_pairs: pairs,
    scenarios,
    growth,
  };
  summary.targets = checkTargets(summary);
  mkdirSync(workDir, { recursive: true });
  writeFileSync(join(workDir, 'last-run.json'), JSON.stringify(summary, null, 2));
  if (config.write_results) {
    writeResults(config.results_file, summary);
    log(`wrote ${config.results_file}`);
  }
  process.stdout.write(`${JSON.stringify(summary)}\n`);
}

main().catch((error) => {
  log(`failed: ${error.stack ?? error}`);
  process.exit(1);
});
