// Starts the built server (`node dist/main.js`) as a separate process on a fresh data
// folder, and reads its CPU time and memory from /proc.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, openSync, closeSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const CLK_TCK = 100; // Linux's USER_HZ on every mainstream architecture.

/** A port that was free a moment ago on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** The process and every descendant (WORKERS > 1 forks workers), by /proc's child lists. */
export function processTree(pid) {
  const tree = [pid];
  for (let i = 0; i < tree.length; i++) {
    for (const task of safeList(`/proc/${tree[i]}/task`)) {
      const children = safeRead(`/proc/${tree[i]}/task/${task}/children`).trim();
      if (children) tree.push(...children.split(/\s+/).map(Number));
    }
  }
  return tree;
}

function safeList(path) {
  try {
    return readdirSync(path);
  } catch {
    return [];
  }
}

function safeRead(path) {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

/** utime + stime of one process (or, with `thread`, one of its threads), in seconds. */
function cpuSeconds(pid, thread) {
  const stat = safeRead(thread ? `/proc/${pid}/task/${thread}/stat` : `/proc/${pid}/stat`);
  if (!stat) return 0;
  // The command name may hold spaces; fields after the closing parenthesis are fixed.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
}

function statusKb(pid, field) {
  const match = safeRead(`/proc/${pid}/status`).match(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm'));
  return match ? Number(match[1]) : 0;
}

/** CPU seconds and memory of a server's whole process tree. */
export function sampleTree(pid) {
  const pids = processTree(pid);
  return {
    processes: pids.length,
    cpu_s: pids.reduce((sum, p) => sum + cpuSeconds(p), 0),
    // The event loop's own thread; the rest is the libuv pool (signing) and V8's helpers.
    main_thread_cpu_s: pids.reduce((sum, p) => sum + cpuSeconds(p, p), 0),
    // Peak RSS (VmHWM) of each process, summed: an upper bound for the tree's peak.
    peak_rss_mb: pids.reduce((sum, p) => sum + statusKb(p, 'VmHWM'), 0) / 1024,
    rss_mb: pids.reduce((sum, p) => sum + statusKb(p, 'VmRSS'), 0) / 1024,
  };
}

/** Resets the peak-RSS mark (VmHWM) of a process tree, so a window's own peak can be read. */
export function resetPeakRss(pid) {
  let ok = true;
  for (const p of processTree(pid)) {
    try {
      writeFileSync(`/proc/${p}/clear_refs`, '5');
    } catch {
      ok = false;
    }
  }
  return ok;
}

/** Busy and total jiffies of the whole machine, to tell how much else was running. */
export function machineCpu() {
  const line = safeRead('/proc/stat').split('\n')[0] ?? '';
  const values = line.trim().split(/\s+/).slice(1).map(Number);
  const idle = (values[3] ?? 0) + (values[4] ?? 0);
  const total = values.reduce((sum, v) => sum + v, 0);
  return { busy_s: (total - idle) / CLK_TCK, total_s: total / CLK_TCK };
}

/**
 * Starts `node <appDir>/dist/main.js` with production settings on a fresh SQLite file, or
 * the one already in `dataDir` (the growth step's seeded copy), or the given PostgreSQL
 * database, and waits until it answers. The data folder is removed when it stops.
 */
export async function startServer({ appDir, alg, workers, databaseUrl, dataDir = mkdtempSync(join(tmpdir(), 'rts-bench-')), extraEnv = {}, nodeArgs = [], readyTimeoutMs = 60_000 }) {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const adminKey = randomBytes(32).toString('base64url');
  const env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: String(port),
    ISSUER: baseUrl,
    DATA_DIR: dataDir,
    ADMIN_API_KEY: adminKey,
    KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64url'),
    RATE_LIMIT: 'off',
    LOG_LEVEL: 'warn',
    JWT_ALG: alg,
    WORKERS: String(workers),
    WEBHOOK_ALLOWED_HOSTS: '127.0.0.1',
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    ...extraEnv,
  };
  const logFile = join(dataDir, 'server.log');
  const logFd = openSync(logFile, 'a');
  const child = spawn(process.execPath, [...nodeArgs, join(appDir, 'dist/main.js')], {
    cwd: appDir,
    env,
    stdio: ['ignore', logFd, logFd],
  });
  closeSync(logFd);
  let exited = null;
  child.once('exit', (code, signal) => {
    exited = { code, signal };
  });
  const log = () => safeRead(logFile).split('\n').slice(-40).join('\n');
  const deadline = Date.now() + readyTimeoutMs;
  for (;;) {
    if (exited) {
      const message = `the server exited before answering (${JSON.stringify(exited)}):\n${log()}`;
      rmSync(dataDir, { recursive: true, force: true });
      throw new Error(message);
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      const message = `the server did not answer within ${readyTimeoutMs} ms:\n${log()}`;
      rmSync(dataDir, { recursive: true, force: true });
      throw new Error(message);
    }
    try {
      const response = await fetch(`${baseUrl}/.well-known/jwks.json`);
      await response.arrayBuffer();
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  return {
    pid: child.pid,
    port,
    baseUrl,
    adminKey,
    dataDir,
    log,
    /** Stops this server (its own PID only: a cluster primary takes its workers down). */
    async stop({ keepData = false } = {}) {
      if (!exited) {
        const gone = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        await gone;
        clearTimeout(timer);
      }
      if (!keepData) rmSync(dataDir, { recursive: true, force: true });
    },
    get exited() {
      return exited;
    },
  };
}
