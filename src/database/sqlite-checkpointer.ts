import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type BetterSqlite3 from 'better-sqlite3';
import { statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { stopThread } from '../common/stop-thread.js';
import { DataSource } from 'typeorm';
import { Database } from './database.js';

/** How often the background thread copies the WAL back into the database file. */
const CHECKPOINT_INTERVAL_MS = 100;
/**
 * The connection's own automatic checkpoint, kept as a backstop: it runs only when the WAL
 * has grown past this many pages, and then finds most of the work already done.
 */
const FOREGROUND_CHECKPOINT_PAGES = 4000;
/**
 * When the WAL is reset after a complete checkpoint, SQLite truncates the file to this size
 * instead of leaving it at its high-water mark.
 */
export const JOURNAL_SIZE_LIMIT_BYTES = 4 * 1024 * 1024;
/** A WAL that has not grown for this many ticks (one second) counts as idle. */
const IDLE_TICKS = 10;
/**
 * The thread costs about 11 MB (an isolate and a connection of its own), a third of an idle
 * server's growth beyond Node itself; it starts only once the WAL holds this much, which the
 * first seconds of any write load reach, and which a server that has only started never does.
 */
export const START_AT_WAL_BYTES = 1024 * 1024;
/**
 * Once the thread has copied a WAL at least this long (1 MiB of 4 KiB pages), the checkpoint
 * is finished between two write transactions (see finishCheckpoint), so the WAL starts over.
 * Measured on a file of a million tokens at about 2,400 rotations/s, when the finish still ran
 * on the event loop: p99 was 29–31 ms with 256 and 400 frames, 32–35 ms with 1,000 and 38–41 ms
 * with 3,000. The longer the WAL between two finishes, the more each one has to copy and sync.
 */
export const FINISH_AT_FRAMES = 256;
/**
 * Writes wait for the thread's finishing pass at most this long; past it they go on, and
 * this WAL is finished by a later pass. The pass copies a few transactions' frames and syncs
 * (2-20 ms measured, most on a file of a million tokens).
 */
export const FINISH_TIMEOUT_MS = 100;

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { timeout: 0 });
db.pragma('synchronous = NORMAL');
db.pragma('journal_size_limit = ' + workerData.journalSizeLimit);
let lastLog = -1;
let idleTicks = 0;
let reported = -1;
const timer = setInterval(() => {
  try {
    let [{ log, checkpointed }] = db.pragma('wal_checkpoint(PASSIVE)');
    // Frames committed while a pass copied are few: a second pass nearly catches up.
    if (checkpointed < log) [{ log, checkpointed }] = db.pragma('wal_checkpoint(PASSIVE)');
    // Once per WAL length: an idle WAL is not reported again (the next write starts it over anyway).
    if (log >= workerData.finishAtFrames && log - checkpointed <= workerData.finishAtFrames / 4 && log !== reported) {
      reported = log;
      parentPort.postMessage('copied');
    }
    idleTicks = log === lastLog ? idleTicks + 1 : 0;
    lastLog = log;
    // Idle and fully copied back: empty the WAL file itself (TRUNCATE waits for no one:
    // this connection's busy timeout is 0, so a writer arriving first simply wins).
    if (log > 0 && checkpointed === log && idleTicks >= workerData.idleTicks) {
      db.pragma('wal_checkpoint(TRUNCATE)');
      lastLog = -1;
      idleTicks = 0;
    }
  } catch {
    // SQLITE_BUSY: another checkpoint is running; the next tick catches up.
  }
}, workerData.intervalMs);
parentPort.on('message', (message) => {
  if (typeof message === 'object' && message !== null && 'finish' in message) {
    // Asked between two of the writing connection's transactions: nothing is committed while
    // this pass copies, so it copies every frame and the next write starts the WAL over.
    try {
      db.pragma('wal_checkpoint(PASSIVE)');
    } catch {
      // SQLITE_BUSY: this time the WAL goes on; the next long WAL asks again.
    }
    parentPort.postMessage({ finished: message.finish });
    return;
  }
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

function walBytes(wal: string): number {
  try {
    return statSync(wal, { throwIfNoEntry: false })?.size ?? 0;
  } catch {
    return Number.POSITIVE_INFINITY; // cannot tell: start the thread rather than go without
  }
}

/**
 * Moves SQLite's WAL checkpoints off the event loop. By default the connection that
 * commits also checkpoints (every 1000 WAL pages: a copy into the database file and two
 * fsyncs, on the request's own thread), which under load took about half of every COMMIT
 * and stalled the loop for tens of milliseconds at a time. A worker thread with its own
 * connection now runs passive checkpoints every 100 ms. Durability is unchanged: commits
 * still append to the WAL exactly as before (synchronous=NORMAL), and a checkpoint syncs the
 * same way whichever connection runs it.
 *
 * The WAL is capped too: `journal_size_limit` shrinks it whenever it is reset, and once it
 * has been idle for a second (everything copied back, nothing new) a TRUNCATE checkpoint
 * empties it, so a burst of writes no longer leaves the file at its high-water mark.
 * The thread starts with the first writes that fill the WAL past START_AT_WAL_BYTES.
 *
 * SQLite starts the WAL over only when a write begins with every frame copied. Under a steady
 * load the thread never gets there by itself: commits arrive every few milliseconds, faster
 * than a pass copies. The WAL then grew to the backstop, and the committing connection copied
 * what was left on the event loop: 5–12 ms every 0.3 s at a few thousand rotations a second,
 * 16–26 ms on a file holding a million tokens (random pages). So once the thread has copied a
 * long WAL, it says so; the process then holds its next write transaction back while the
 * thread copies the few frames committed since (Database.betweenWrites), and the next write
 * starts the WAL over. The event loop goes on serving meanwhile: the copy and its syncs are
 * the thread's, and only commits wait for them (FINISH_TIMEOUT_MS at most).
 */
@Injectable()
export class SqliteCheckpointer implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(SqliteCheckpointer.name);
  private worker?: Worker;
  private walWatch?: NodeJS.Timeout;
  /** A finishing pass asked for and not over yet: one at a time. */
  private finishing = false;
  private passes = 0;
  /** Ends the pass in progress: the thread answered it (its number), or exited (undefined). */
  private passOver?: (answered?: number) => void;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly db: Database,
  ) {}

  onModuleInit(): void {
    if (this.dataSource.options.type !== 'better-sqlite3') return;
    const file = this.dataSource.options.database;
    if (typeof file !== 'string' || file === ':memory:' || file === '') return;
    const connection = (this.dataSource.driver as unknown as { databaseConnection: BetterSqlite3.Database }).databaseConnection;
    connection.pragma(`wal_autocheckpoint = ${FOREGROUND_CHECKPOINT_PAGES}`);
    connection.pragma(`journal_size_limit = ${JOURNAL_SIZE_LIMIT_BYTES}`);
    const wal = `${file}-wal`;
    this.walWatch = setInterval(() => {
      // Closed under us (the data source shut down before this provider): nothing to checkpoint.
      if (!connection.open) return clearInterval(this.walWatch);
      if (walBytes(wal) < START_AT_WAL_BYTES) return;
      clearInterval(this.walWatch);
      this.walWatch = undefined;
      this.startWorker(file, connection);
    }, CHECKPOINT_INTERVAL_MS);
    this.walWatch.unref();
  }

  private startWorker(file: string, connection: BetterSqlite3.Database): void {
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        driver: createRequire(import.meta.url).resolve('better-sqlite3'),
        file,
        intervalMs: CHECKPOINT_INTERVAL_MS,
        journalSizeLimit: JOURNAL_SIZE_LIMIT_BYTES,
        idleTicks: IDLE_TICKS,
        finishAtFrames: FINISH_AT_FRAMES,
      },
    });
    this.worker = worker;
    worker.unref();
    worker.on('message', (message: 'copied' | { finished: number }) => {
      if (message === 'copied') this.finishCheckpoint(worker);
      else this.passOver?.(message.finished);
    });
    worker.on('exit', () => this.passOver?.());
    worker.on('error', (error) => {
      // A thread given up on (failed before, or stopping) may report again as it ends: said once is enough.
      if (this.worker !== worker) return;
      // The connection's own checkpoint still runs (less often), so this is not fatal.
      this.logger.error(`WAL checkpoint thread stopped: ${error instanceof Error ? error.message : String(error)}`);
      this.worker = undefined;
      // Whatever state it is in, it is not asked again: it must not go on checkpointing or reporting.
      void worker.terminate();
      // During shutdown the connection may be closed already; an error here would end the process.
      if (connection.open) connection.pragma('wal_autocheckpoint = 1000');
    });
  }

  /**
   * Has the thread copy back the frames committed since its last pass (a few transactions'
   * worth) between two of this process's write transactions, so that the next write finds
   * the WAL fully copied and starts it over.
   */
  private finishCheckpoint(worker: Worker): void {
    if (this.finishing) return;
    this.finishing = true;
    void this.db
      .betweenWrites(() => this.finishingPass(worker))
      .finally(() => {
        this.finishing = false;
      });
  }

  /** Settles when the thread has answered this pass, has exited, or after FINISH_TIMEOUT_MS. */
  private finishingPass(worker: Worker): Promise<void> {
    if (this.worker !== worker) return Promise.resolve(); // stopped or failed meanwhile
    const pass = ++this.passes;
    return new Promise<void>((resolve) => {
      const over = () => {
        clearTimeout(timer);
        this.passOver = undefined;
        resolve();
      };
      const timer = setTimeout(over, FINISH_TIMEOUT_MS);
      this.passOver = (answered) => {
        // A pass that timed out may answer late, during the next one: that answer is not this pass's.
        if (answered === undefined || answered === pass) over();
      };
      worker.postMessage({ finish: pass });
    });
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.walWatch);
    this.walWatch = undefined;
    const worker = this.worker;
    if (!worker) return;
    this.worker = undefined;
    await stopThread(worker, 'stop');
  }
}
