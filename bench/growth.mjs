// The growth step: the same RS256 C=32 load on an empty database and on one that already
// holds 1 M (or 5 M) refresh tokens, in alternating pairs, each run on a fresh server.
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadRun, round } from './load-run.mjs';
import { loginTokens, provision } from './provision.mjs';
import { startServer } from './server-process.mjs';
import { copyTemplate, growthTemplate } from './growth-seed.mjs';

const SIZES = { '1m': 1_000_000, '5m': 5_000_000 };

export function parseGrowthSizes(raw) {
  if (raw === 'off') return [];
  return raw.split(',').map((item) => {
    const key = item.trim().toLowerCase();
    if (!(key in SIZES)) throw new Error(`BENCH_GROWTH: unknown size "${item}" (off, 1m, 5m or a comma list)`);
    return key;
  });
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

async function oneRun(config, { template, alg, log }) {
  const dataDir = mkdtempSync(join(tmpdir(), 'rts-bench-'));
  if (template) copyTemplate(template, dataDir);
  const nodeArgs = config.cpu_prof_dir ? ['--cpu-prof', '--cpu-prof-dir', config.cpu_prof_dir] : [];
  const server = await startServer({ appDir: config.app_dir, alg, workers: 1, dataDir, nodeArgs, extraEnv: config.server_env });
  try {
    const fixture = await provision(server);
    const tokens = await loginTokens(server, fixture, fixture.confidential, config.concurrency);
    // The WAL's size during the run: a checkpointer falling behind shows as a growing WAL.
    let walPeak = 0;
    const walFile = join(dataDir, 'refresh-tokens.sqlite-wal');
    const walSampler = setInterval(() => {
      try {
        walPeak = Math.max(walPeak, statSync(walFile).size);
      } catch {
        // not there between a TRUNCATE checkpoint and the next write
      }
    }, 100);
    const run = await loadRun(server, {
      mode: 'form',
      concurrency: config.concurrency,
      duration: config.growth_seconds,
      warmup: config.warmup_s,
      client: fixture.confidential,
      tokens,
    }).finally(() => clearInterval(walSampler));
    run.wal_peak_mb = round(walPeak / 1024 ** 2, 1);
    if (server.exited) throw new Error(`the server died: ${JSON.stringify(server.exited)}\n${server.log()}`);
    return run;
  } finally {
    await server.stop();
  }
}

/**
 * For each size: `pairs` alternating runs, empty then seeded, RS256 C=32 for
 * `growth_seconds` each. The ratios compare the medians of the two sides.
 */
export async function growthStep(config, { log }) {
  const alg = 'RS256';
  const results = [];
  for (const size of config.growth) {
    const tokens = SIZES[size];
    const entry = { size, tokens, alg, concurrency: config.concurrency, seconds: config.growth_seconds, pairs: [] };
    try {
      const template = await growthTemplate({ appDir: config.app_dir, tokens, outbox: config.growth_outbox, log });
      for (let pair = 0; pair < config.growth_pairs; pair++) {
        const empty = await oneRun(config, { alg, log });
        const seeded = await oneRun(config, { template, alg, log });
        log(
          `growth ${size} pair ${pair + 1}: empty ${empty.rps} rps p99 ${empty.p99_ms} ms (${empty.server_cpu_ms_per_refresh} ms CPU/refresh, WAL ≤ ${empty.wal_peak_mb} MB), ` +
            `seeded ${seeded.rps} rps p99 ${seeded.p99_ms} ms (${seeded.server_cpu_ms_per_refresh} ms CPU/refresh, WAL ≤ ${seeded.wal_peak_mb} MB)`,
        );
        entry.pairs.push({ empty: summarize(empty), seeded: summarize(seeded) });
      }
      const side = (name, field) => median(entry.pairs.map((pair) => pair[name][field]));
      entry.empty = { rps: side('empty', 'rps'), p99_ms: side('empty', 'p99_ms'), cpu_ms_per_refresh: side('empty', 'server_cpu_ms_per_refresh') };
      entry.seeded = { rps: side('seeded', 'rps'), p99_ms: side('seeded', 'p99_ms'), cpu_ms_per_refresh: side('seeded', 'server_cpu_ms_per_refresh') };
      entry.throughput_ratio = round(entry.seeded.rps / entry.empty.rps, 3);
      entry.p99_ratio = round(entry.seeded.p99_ms / entry.empty.p99_ms, 3);
      entry.cpu_ratio = round(entry.seeded.cpu_ms_per_refresh / entry.empty.cpu_ms_per_refresh, 3);
      entry.pair_throughput_ratios = entry.pairs.map((pair) => round(pair.seeded.rps / pair.empty.rps, 3));
      entry.pair_p99_ratios = entry.pairs.map((pair) => round(pair.seeded.p99_ms / pair.empty.p99_ms, 3));
      log(`growth ${size}: throughput ${(entry.throughput_ratio * 100).toFixed(1)} % of empty, p99 ${entry.p99_ratio}×, CPU/refresh ${entry.cpu_ratio}×`);
    } catch (error) {
      entry.error = error.message;
      log(`growth ${size} failed: ${error.message.split('\n')[0]}`);
    }
    results.push(entry);
  }
  return results;
}

function summarize(run) {
  return {
    rps: run.rps,
    p50_ms: run.p50_ms,
    p99_ms: run.p99_ms,
    errors: run.errors,
    server_cpu_ms_per_refresh: run.server_cpu_ms_per_refresh,
    main_thread_ms_per_refresh: run.main_thread_ms_per_refresh,
    server_cpu_util: run.server_cpu_util,
    other_cpu_cores: run.other_cpu_cores,
    window_peak_rss_mb: run.window_peak_rss_mb,
    wal_peak_mb: run.wal_peak_mb,
  };
}
