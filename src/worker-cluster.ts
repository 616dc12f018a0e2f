import { Logger } from '@nestjs/common';
import cluster, { type Worker } from 'node:cluster';

const RESPAWN_DELAY_MS = 1_000;

/**
 * WORKERS > 1: this (primary) process forks that many server processes, which share the
 * listening port through node:cluster. A worker that dies is replaced; SIGTERM or SIGINT
 * is passed on to every worker, and the primary exits once they have all shut down.
 * Migrations and first-start key creation take cross-process locks, so workers may start
 * together on one database.
 */
export function runWorkerCluster(workers: number): void {
  const logger = new Logger('Cluster');
  let stopping = false;
  const fork = (): Worker => cluster.fork();

  const listening = new Set<number>();
  cluster.on('listening', (worker) => {
    listening.add(worker.id);
    logger.log(`Worker ${worker.process.pid} listening (${listening.size} of ${workers})`);
  });
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(process.exitCode ?? 0);
      return;
    }
    if (!listening.has(worker.id)) {
      // It never started (bad configuration, database unreachable): respawning would only loop.
      logger.error(`Worker ${worker.process.pid} failed to start (${signal ?? code}); stopping`);
      process.exitCode = 1;
      stop('SIGTERM');
      return;
    }
    logger.error(`Worker ${worker.process.pid} exited (${signal ?? code}); starting another`);
    setTimeout(fork, RESPAWN_DELAY_MS).unref();
  });

  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.log(`${signal}: stopping ${Object.keys(cluster.workers ?? {}).length} worker(s)`);
    const alive = Object.values(cluster.workers ?? {}).filter((worker): worker is Worker => worker !== undefined);
    if (alive.length === 0) process.exit(process.exitCode ?? 0);
    for (const worker of alive) worker.process.kill('SIGTERM');
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));

  logger.log(`Starting ${workers} worker processes`);
  for (let i = 0; i < workers; i++) fork();
}
