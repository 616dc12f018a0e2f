import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { ApiClient } from './api-client.js';

const ROOT = resolve(import.meta.dirname, '../..');
const ENTRY = join(ROOT, 'dist/main.js');
const STARTUP_TIMEOUT_MS = 60_000;

function newestSourceChange(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSourceChange(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** Builds dist/ when it is missing or older than src/ (CI builds before testing, so this is a no-op there). */
export function ensureBuilt(): void {
  let built = 0;
  try {
    built = statSync(join(ROOT, 'dist/src/main.js')).mtimeMs;
  } catch {
    // not built yet
  }
  if (built === 0 || newestSourceChange(join(ROOT, 'src')) > built) {
    execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'ignore', timeout: 180_000 });
  }
}

/** A free TCP port on 127.0.0.1 (bound and released; the server binds it moments later). */
export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const probe = createServer();
    probe.once('error', fail);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => done(port));
    });
  });
}

/**
 * Node's diagnostic report cut down to what explains a hang: the main thread's JavaScript
 * stack, the handles its event loop holds (sockets with their endpoints, timers) and the
 * number of worker threads. The rest (the environment among it) is left out.
 */
function summarizeReport(report: { javascriptStack?: { message?: string; stack?: string[] }; libuv?: Array<Record<string, unknown>>; workers?: unknown[] }): string {
  const handles = (report.libuv ?? [])
    .filter((handle) => handle.is_active || handle.is_referenced)
    .map(({ type, is_active: active, is_referenced: referenced, localEndpoint, remoteEndpoint, timeout }) =>
      JSON.stringify({ type, active, referenced, localEndpoint, remoteEndpoint, timeout }),
    );
  return [
    '',
    '--- diagnostic report: still running when the grace period ended ---',
    `JavaScript stack: ${report.javascriptStack?.message ?? ''}`,
    ...(report.javascriptStack?.stack ?? []).map((line) => `  ${line}`),
    `Active or referenced libuv handles (${handles.length}):`,
    ...handles.map((line) => `  ${line}`),
    `Worker threads: ${report.workers?.length ?? 0}`,
    '',
  ].join('\n');
}

/** Settings every process of one deployment must share. */
export function sharedSecrets(): Record<string, string> {
  return { ADMIN_API_KEY: randomBytes(24).toString('base64url'), KEY_ENCRYPTION_KEY: randomBytes(24).toString('base64url') };
}

export interface ServerProcess {
  pid: number;
  port: number;
  baseUrl: string;
  api: ApiClient;
  /**
   * Everything the process wrote, for failure messages. If stop() had to end it, this ends
   * with what held it open (see summarizeReport).
   */
  output(): string;
  /** Resolves with the exit code (or signal) once the process has ended. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM, then SIGKILL if it has not ended within the grace period. */
  stop(graceMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Starts the built server (`node dist/main.js`) as its own process on 127.0.0.1 and a
 * random port, and waits until /health/ready answers 200.
 */
export async function startServerProcess(env: Record<string, string>): Promise<ServerProcess> {
  const workers = Number(env.WORKERS ?? 1);
  const port = await freePort();
  const reportDir = mkdtempSync(join(tmpdir(), 'rts-report-'));
  let diagnosis = '';
  const fullEnv: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    PORT: String(port),
    RATE_LIMIT: 'off',
    LOG_LEVEL: 'warn',
    COOKIE_SECURE: 'false',
    // On SIGUSR2, Node writes a diagnostic report there (and ends): stop() asks for one before it kills.
    NODE_OPTIONS: `--report-on-signal --report-signal=SIGUSR2 --report-directory=${reportDir} --report-filename=report.json`,
    ...env,
  };
  const child: ChildProcess = spawn(process.execPath, [ENTRY], { cwd: ROOT, env: fullEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
    child.once('exit', (code, signal) => done({ code, signal })),
  );
  let ended = false;
  void exited.then(() => {
    ended = true;
    rmSync(reportDir, { recursive: true, force: true });
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  const server: ServerProcess = {
    pid: child.pid!,
    port,
    baseUrl,
    api: new ApiClient(baseUrl, fullEnv.ADMIN_API_KEY ?? ''),
    output: () => output + diagnosis,
    exited,
    stop: async (graceMs = 20_000) => {
      if (!ended) child.kill('SIGTERM');
      const timer = setTimeout(async () => {
        if (ended) return;
        // Still running after the grace period: first the report of what it is waiting for.
        child.kill('SIGUSR2');
        const report = join(reportDir, 'report.json');
        for (let waited = 0; waited < 3_000 && !ended; waited += 100) {
          await new Promise((done) => setTimeout(done, 100));
          try {
            diagnosis = summarizeReport(JSON.parse(readFileSync(report, 'utf8')));
            break;
          } catch {
            // not (completely) written yet
          }
        }
        if (!ended) child.kill('SIGKILL');
      }, graceMs);
      const result = await exited;
      clearTimeout(timer);
      return result;
    },
  };
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (ended) throw new Error(`Server exited during start:\n${output}`);
    try {
      const response = await fetch(`${baseUrl}/health/ready`);
      // With WORKERS=N, ready means every worker is listening (the primary logs each).
      const listening = output.match(/Worker \d+ listening/g)?.length ?? 0;
      if (response.status === 200 && (workers <= 1 || listening >= workers)) return server;
    } catch {
      // not listening yet
    }
    await new Promise((done) => setTimeout(done, 100));
  }
  await server.stop(1_000);
  throw new Error(`Server did not become ready within ${STARTUP_TIMEOUT_MS} ms:\n${output}`);
}

/**
 * The built server on a fixed port that a test stops (SIGTERM, SIGKILL) and starts again,
 * as a crash-and-restart scenario needs.
 */
export class RestartableServer {
  private child: ChildProcess | undefined;
  output = '';

  constructor(
    readonly env: Record<string, string>,
    readonly port: number,
  ) {}

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(timeoutMs = 60_000): Promise<void> {
    const child = spawn(process.execPath, [ENTRY], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', ...this.env, PORT: String(this.port), HOST: '127.0.0.1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    child.stdout!.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}: ${this.output}`);
      try {
        const response = await fetch(`${this.baseUrl}/.well-known/jwks.json`);
        if (response.ok) return;
      } catch {
        // not listening yet
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(`server did not start within ${timeoutMs} ms: ${this.output}`);
  }

  /** Sends a signal to this child (by its PID) and waits for it to exit. */
  async stop(signal: NodeJS.Signals, timeoutMs = 20_000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return { code: child?.exitCode ?? null, signal: child?.signalCode ?? null };
    let timer: NodeJS.Timeout | undefined;
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.once('exit', (code, exitSignal) => resolve({ code, signal: exitSignal })),
    );
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`server did not exit on ${signal}: ${this.output}`)), timeoutMs);
    });
    child.kill(signal);
    try {
      return await Promise.race([exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}

export interface SpawnedServer {
  child: ChildProcess;
  output(): string;
  /** Resolves with the exit code (or signal) once the process has ended. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts the built server with exactly the given environment, for tests that watch it fail or exit. */
export function spawnServer(env: Record<string, string>): SpawnedServer {
  const child = spawn(process.execPath, [ENTRY], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, output: () => output, exited };
}

/** Polls `url` until it answers, or fails after `timeoutMs`. */
export async function waitForHttp(url: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await fetch(url);
      return;
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`Server at ${url} did not start: ${(error as Error).message}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
