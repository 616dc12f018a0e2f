// One RS256/ES256/EdDSA `form` run at the configured concurrency on a server started for it
// alone (fresh data folder, or a copy of a seeded template), stopped afterwards. The growth
// step and the peer pairs alternate such runs.
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { copyTemplate } from './growth-seed.mjs';
import { loadRun, round } from './load-run.mjs';
import { loginTokens, provision } from './provision.mjs';
import { startServer } from './server-process.mjs';

export async function freshServerRun(config, { template, alg, seconds }) {
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
      duration: seconds,
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

/** What the growth step and the peer pairs keep of a run. */
export function summarize(run) {
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
