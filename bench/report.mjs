// Turns a run's summary into the generated part of bench/RESULTS.md and checks it
// against the targets of issue 7. The hand-written analysis around the generated block
// is kept as it is.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

export const START = '<!-- bench:generated:start (npm run bench rewrites this block) -->';
export const END = '<!-- bench:generated:end -->';

const fmt = (value, digits = 1) => (value === null || value === undefined || Number.isNaN(value) ? '–' : Number(value).toFixed(digits));

function findRun(scenario, mode, concurrency) {
  return scenario?.runs.find((run) => run.mode === mode && run.chains === concurrency);
}

/** The scenario the targets are about: durable SQLite, one process, the given algorithm. */
function primary(summary, alg) {
  return summary.scenarios.find((s) => s.db === 'sqlite' && s.alg === alg && s.workers_requested === 1 && !s.error);
}

export function checkTargets(summary) {
  const checks = [];
  const peer32 = summary.peer?.c32;
  const peer1 = summary.peer?.c1;
  const rs = primary(summary, 'RS256');
  const es = primary(summary, 'ES256');
  const concurrency = summary.config.concurrency;
  const rs32 = findRun(rs, 'form', concurrency);
  const rs1 = findRun(rs, 'form', 1);
  const es32 = findRun(es, 'form', concurrency);
  const add = (name, value, goal, pass) => checks.push({ target: name, value, goal, pass: pass === null ? null : Boolean(pass) });
  const havePeer = Boolean(peer32 && !peer32.error);
  add(
    `RS256 /oauth/token C=${concurrency} throughput ≥ 1.5× peer`,
    rs32 && havePeer ? `${fmt(rs32.rps)} vs ${fmt(peer32.rps)} rps (${fmt(rs32.rps / peer32.rps, 2)}×)` : 'n/a',
    '≥ 1.50×',
    rs32 && havePeer ? rs32.rps >= 1.5 * peer32.rps : null,
  );
  add(
    `RS256 C=${concurrency} p99 ≤ peer's`,
    rs32 && havePeer ? `${fmt(rs32.p99_ms, 2)} vs ${fmt(peer32.p99_ms, 2)} ms` : 'n/a',
    '≤ peer',
    rs32 && havePeer ? rs32.p99_ms <= peer32.p99_ms : null,
  );
  add(
    'RS256 C=1 p50 below peer\'s',
    rs1 && peer1 && !peer1.error ? `${fmt(rs1.p50_ms, 3)} vs ${fmt(peer1.p50_ms, 3)} ms` : 'n/a',
    '< peer',
    rs1 && peer1 && !peer1.error ? rs1.p50_ms < peer1.p50_ms : null,
  );
  add(
    'Peak RSS below peer\'s (whole life, both)',
    rs && havePeer ? `${fmt(rs.peak_rss_mb)} vs ${fmt(peer32.server_peak_rss_mb)} MB` : 'n/a',
    '< peer',
    rs && havePeer ? rs.peak_rss_mb < peer32.server_peak_rss_mb : null,
  );
  add(
    `ES256 C=${concurrency} throughput ≥ 2.5× peer's RS256`,
    es32 && havePeer ? `${fmt(es32.rps)} vs ${fmt(peer32.rps)} rps (${fmt(es32.rps / peer32.rps, 2)}×)` : 'n/a',
    '≥ 2.50×',
    es32 && havePeer ? es32.rps >= 2.5 * peer32.rps : null,
  );
  // CPU per refresh, server plus the load generator's share: what throughput comes down to on
  // a saturated machine, and far less sensitive to other load than rps (shown, not judged).
  const cost = (run, serverMs) => {
    const answered = run.ok + run.warmupOk + run.lateOk;
    return answered > 0 ? serverMs + (run.client_cpu_s * 1000) / answered : null;
  };
  for (const [alg, run] of [['RS256', rs32], ['ES256', es32]]) {
    if (!run || !havePeer) continue;
    const ours = cost(run, run.server_cpu_ms_per_refresh);
    const theirs = cost(peer32, peer32.server_cpu_ms_per_refresh);
    if (ours && theirs) {
      add(`${alg} C=${concurrency} CPU per refresh incl. load generator vs peer's RS256 (capacity ratio)`, `${fmt(ours, 3)} vs ${fmt(theirs, 3)} ms (${fmt(theirs / ours, 2)}×)`, 'info', null);
    }
  }
  const wh = rs?.webhooks;
  const whOk = wh && wh.available && !wh.error;
  add(
    'Webhooks on cost ≤ 10 % of throughput',
    whOk && wh.on_c32 ? `${fmt(wh.on_c32.rps)} on vs ${fmt(wh.off_c32?.rps)} off rps (${fmt((1 - wh.on_c32.rps / wh.off_c32.rps) * 100)} % cost)` : 'not available',
    '≤ 10 %',
    whOk && wh.on_c32 && wh.off_c32 ? wh.on_c32.rps >= 0.9 * wh.off_c32.rps : null,
  );
  add(
    'Webhook event latency p50 ≤ 20 ms, p99 ≤ 100 ms',
    whOk && wh.steady ? `p50 ${fmt(wh.steady.event_latency_p50_ms, 2)} ms, p99 ${fmt(wh.steady.event_latency_p99_ms, 2)} ms` : 'not available',
    '≤ 20 / ≤ 100 ms',
    whOk && wh.steady && wh.steady.event_latency_p50_ms !== null
      ? wh.steady.event_latency_p50_ms <= 20 && wh.steady.event_latency_p99_ms <= 100 && wh.steady.events_missing_after_settle === 0
      : null,
  );
  return checks;
}

function runsTable(runs) {
  const lines = [
    '| mode | C | rps | p50 ms | p90 ms | p99 ms | max ms | errors | server CPU (cores) | CPU ms / refresh (main thread) | load gen CPU (cores) | other processes (cores) | peak RSS during load MB |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const run of runs) {
    lines.push(
      `| ${run.mode} | ${run.chains} | **${fmt(run.rps)}** | ${fmt(run.p50_ms, 2)} | ${fmt(run.p90_ms, 2)} | ${fmt(run.p99_ms, 2)} | ${fmt(run.max_ms, 1)} | ${run.errors} | ${fmt(run.server_cpu_util, 2)} | ${fmt(run.server_cpu_ms_per_refresh, 3)} (${fmt(run.main_thread_ms_per_refresh, 3)}) | ${fmt(run.loadgen_cpu_util, 2)} | ${fmt(run.other_cpu_cores, 2)} | ${fmt(run.window_peak_rss_mb)} |`,
    );
  }
  return lines.join('\n');
}

export function renderGenerated(summary) {
  const { machine, config } = summary;
  const out = [];
  out.push(START, '');
  out.push(`### Run of ${summary.finished_at}${config.label ? ` — ${config.label}` : ''}`, '');
  out.push(
    `- Machine: ${machine.cpu_model}, ${machine.cores} cores, ${fmt(machine.memory_gb)} GB RAM, ${machine.platform}; Node ${machine.node}.`,
    `- Code: commit \`${summary.commit}\`${summary.dirty ? ' (with uncommitted changes)' : ''}, server \`${config.app_dir_note}\`.`,
    `- Mode: ${config.quick ? '**quick** (shortened durations; figures are indicative only)' : 'full'}; C=${config.concurrency} for ${config.duration_s} s and C=1 for ${config.duration_c1_s} s after ${config.warmup_s} s warm-up each; load generator = the peer's bench-refresh.mjs logic (bench/load-generator.mjs), one keep-alive connection per chain, same machine.`,
    `- Server: \`NODE_ENV=production\`, \`RATE_LIMIT=off\`, fresh data folder, SQLite WAL + \`synchronous=NORMAL\` unless noted; default grace window (10 s), so every rotation also seals its successor.`,
    `- Noise: load average ${machine.loadavg_start.map((v) => fmt(v, 2)).join(' / ')} at start, ${machine.loadavg_end?.map((v) => fmt(v, 2)).join(' / ') ?? '–'} at end; the "other processes" column is the CPU the rest of the machine used during each run (not ours, not the load generator's).`,
    '',
  );
  out.push('#### Machine ceiling (JWS signatures per second, node:crypto, measured in this run)', '');
  out.push('| alg | one core | all cores (threads) | µs per signature |', '|---|---|---|---|');
  for (const c of summary.ceiling) out.push(`| ${c.alg} | ${c.one_core_per_s} | ${c.all_cores_per_s} (${c.threads}) | ${c.us_per_signature_one_core} |`);
  out.push('');

  if (summary.peer) {
    out.push('#### Peer (oidc-provider 9.13, in-memory storage, RS256), same run', '');
    if (summary.peer.error) out.push(`Peer run failed: ${summary.peer.error}`, '');
    else {
      out.push(
        '| C | rps | p50 ms | p90 ms | p99 ms | max ms | errors | server CPU (cores) | CPU ms / refresh | peak RSS MB |',
        '|---|---|---|---|---|---|---|---|---|---|',
      );
      for (const run of [summary.peer.c32, summary.peer.c1].filter(Boolean)) {
        out.push(
          `| ${run.chains} | **${fmt(run.rps)}** | ${fmt(run.p50_ms, 2)} | ${fmt(run.p90_ms, 2)} | ${fmt(run.p99_ms, 2)} | ${fmt(run.max_ms, 1)} | ${run.errors} | ${fmt(run.server_cpu_util, 2)} | ${fmt(run.server_cpu_ms_per_refresh, 3)} | ${fmt(run.server_peak_rss_mb)} |`,
        );
      }
      out.push('');
    }
  } else {
    out.push('#### Peer', '', 'Not run in this run (set `PEER_BENCH_DIR` to a copy of the peer folder with `npm ci` done).', '');
  }

  for (const s of summary.scenarios) {
    out.push(`#### ${s.name}`, '');
    if (s.error) {
      out.push(`Failed: ${s.error}`, '');
      continue;
    }
    out.push(
      `Server processes seen: ${s.processes} (WORKERS=${s.workers_requested}${s.workers_note ? `; ${s.workers_note}` : ''}). Peak RSS, whole life (logins included): ${fmt(s.peak_rss_mb)} MB; during load only: ${fmt(s.load_peak_rss_mb)} MB.`,
      '',
    );
    out.push(runsTable(s.runs), '');
    for (const note of s.notes) out.push(`- ${note}`);
    if (s.notes.length) out.push('');
    if (s.webhooks) {
      const wh = s.webhooks;
      if (!wh.available) out.push(`Webhooks: not available (${wh.reason}).`, '');
      else if (wh.error) out.push(`Webhooks: failed: ${wh.error}`, '');
      else {
        out.push(
          `Webhooks (one subscription to a receiver on 127.0.0.1): form C=${config.concurrency} **${fmt(wh.on_c32?.rps)} rps on** vs **${fmt(wh.off_c32?.rps)} off** (p99 ${fmt(wh.on_c32?.p99_ms, 2)} vs ${fmt(wh.off_c32?.p99_ms, 2)} ms); receiver got ${wh.received_during_c32} deliveries during the C=${config.concurrency} run.`,
          `At a steady ${wh.steady.target_rps} refreshes/s for ${config.webhook_seconds} s (achieved ${fmt(wh.steady.achieved_rps)}): refresh p50 ${fmt(wh.steady.refresh_p50_ms, 2)} ms, p99 ${fmt(wh.steady.refresh_p99_ms, 2)} ms; event latency (200 → receiver) p50 **${fmt(wh.steady.event_latency_p50_ms, 2)} ms**, p99 **${fmt(wh.steady.event_latency_p99_ms, 2)} ms**, max ${fmt(wh.steady.event_latency_max_ms, 1)} ms; ${wh.steady.events_matched} matched, ${wh.steady.events_missing_after_settle} missing.`,
          '',
        );
      }
    }
  }

  out.push('#### Targets (issue 7)', '', '| target | measured | goal | met |', '|---|---|---|---|');
  for (const check of summary.targets) out.push(`| ${check.target} | ${check.value} | ${check.goal} | ${check.pass === null ? (check.goal === 'info' ? '(information)' : 'n/a') : check.pass ? 'yes' : '**no**'} |`);
  out.push('');
  const rs = summary.ceiling.find((c) => c.alg === 'RS256');
  const rsRun = findRun(primary(summary, 'RS256'), 'form', config.concurrency);
  if (rs && rsRun) {
    out.push(
      `RS256 bound: in this run the machine made ${rs.all_cores_per_s} signatures/s on all ${rs.threads} cores doing nothing but signing (with whatever else was running on the machine); the server reached ${fmt(rsRun.rps)} rps, i.e. ${fmt((rsRun.rps / rs.all_cores_per_s) * 100)} % of that bare signing ceiling, while sharing the cores with HTTP, SQLite and the load generator.`,
      '',
    );
  }
  out.push('<details><summary>Raw summary (JSON)</summary>', '', '```json', JSON.stringify(summary, null, 1), '```', '', '</details>', '', END);
  return out.join('\n');
}

export function writeResults(file, summary) {
  const generated = renderGenerated(summary);
  let text;
  if (existsSync(file)) {
    const current = readFileSync(file, 'utf8');
    const start = current.indexOf(START);
    const end = current.indexOf(END);
    text =
      start >= 0 && end > start
        ? current.slice(0, start) + generated + current.slice(end + END.length)
        : `${current.trimEnd()}\n\n## Latest run\n\n${generated}\n`;
  } else {
    text = `# Benchmark results\n\n\`npm run bench\` rewrites the block below; see bench/README.md for the options.\n\n## Latest run\n\n${generated}\n`;
  }
  writeFileSync(file, text);
}
