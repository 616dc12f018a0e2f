// The growth step: the same RS256 C=32 load on an empty database and on one that already
// holds 1 M (or 5 M) refresh tokens, in alternating pairs, each run on a fresh server.
import { freshServerRun, summarize } from './fresh-run.mjs';
import { median, round } from './load-run.mjs';
import { growthTemplate } from './growth-seed.mjs';

const SIZES = { '1m': 1_000_000, '5m': 5_000_000 };

export function parseGrowthSizes(raw) {
  if (raw === 'off') return [];
  return raw.split(',').map((item) => {
    const key = item.trim().toLowerCase();
    if (!(key in SIZES)) throw new Error(`BENCH_GROWTH: unknown size "${item}" (off, 1m, 5m or a comma list)`);
    return key;
  });
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
        const empty = await freshServerRun(config, { alg, seconds: config.growth_seconds });
        const seeded = await freshServerRun(config, { template, alg, seconds: config.growth_seconds });
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
