// One closed-loop load run against a started server: the load generator in its own process,
// with the server's CPU time and memory read from /proc around it.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { machineCpu, resetPeakRss, sampleTree } from './server-process.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');
const workDir = join(root, 'bench/.work');

export function runNode(args, { env = {}, cwd = root } = {}) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.once('error', reject);
    child.once('exit', (code) => resolvePromise({ code, stdout, stderr }));
  });
}

export function lastJsonLine(text) {
  const line = text.trim().split('\n').reverse().find((l) => l.trim().startsWith('{'));
  if (!line) throw new Error('no JSON output');
  return JSON.parse(line);
}

export const round = (value, digits = 2) => Number(value.toFixed(digits));

export const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

/** One closed-loop load run (the load generator in its own process) with the server's CPU and memory. */
export async function loadRun(server, { mode, concurrency, duration, warmup, client, tokens }) {
  mkdirSync(workDir, { recursive: true });
  const tokensFile = join(workDir, `tokens-${randomUUID()}.json`);
  writeFileSync(tokensFile, JSON.stringify(tokens), { mode: 0o600 });
  const path = mode === 'form' ? '/oauth/token' : '/api/auth/refresh';
  const before = sampleTree(server.pid);
  server.lifetimePeak = Math.max(server.lifetimePeak ?? 0, before.peak_rss_mb);
  const peakReset = resetPeakRss(server.pid);
  const machine0 = machineCpu();
  const started = Date.now();
  const args = [
    join(here, 'load-generator.mjs'),
    '--url', `${server.baseUrl}${path}`,
    '--tokens', tokensFile,
    '--concurrency', String(concurrency),
    '--duration', String(duration),
    '--warmup', String(warmup),
    '--mode', mode,
    // One argument each: a secret may start with '-', which parseArgs would take for an option.
    ...(mode === 'form' ? [`--client-id=${client.clientId}`, `--client-secret=${client.clientSecret}`] : []),
  ];
  const { stdout, stderr } = await runNode(args).finally(() => rmSync(tokensFile, { force: true }));
  const wall = (Date.now() - started) / 1000;
  const after = sampleTree(server.pid);
  const machine1 = machineCpu();
  server.lifetimePeak = Math.max(server.lifetimePeak, after.peak_rss_mb);
  let result;
  try {
    result = lastJsonLine(stdout);
  } catch {
    throw new Error(`load generator gave no result: ${stderr.slice(0, 500)}`);
  }
  const serverCpu = after.cpu_s - before.cpu_s;
  const mainCpu = after.main_thread_cpu_s - before.main_thread_cpu_s;
  // Every refresh the server answered during the run, warm-up included, for CPU per refresh.
  const answered = result.ok + result.warmupOk + result.lateOk;
  const machineBusy = (machine1.busy_s - machine0.busy_s) / wall;
  const loadgenCpu = result.client_cpu_s / wall;
  return {
    ...result,
    url: path,
    server_cpu_s: round(serverCpu),
    server_cpu_util: round(serverCpu / wall),
    server_main_thread_util: round(mainCpu / wall),
    // CPU time per refresh hardly depends on what else runs on the machine: the figure to
    // compare across runs on a busy machine.
    server_cpu_ms_per_refresh: answered > 0 ? round((serverCpu * 1000) / answered, 3) : null,
    main_thread_ms_per_refresh: answered > 0 ? round((mainCpu * 1000) / answered, 3) : null,
    loadgen_cpu_util: round(loadgenCpu),
    machine_busy_cores: round(machineBusy),
    other_cpu_cores: round(Math.max(0, machineBusy - serverCpu / wall - loadgenCpu)),
    window_peak_rss_mb: peakReset ? round(after.peak_rss_mb, 1) : null,
    server_rss_end_mb: round(after.rss_mb, 1),
    server_processes: after.processes,
  };
}
