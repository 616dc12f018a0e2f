import Sqlite from 'better-sqlite3';
import { existsSync, linkSync, rmSync } from 'node:fs';

/** A backup that cannot be taken as asked; the message says what to do instead. */
export class BackupRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BackupRefused';
  }
}

/** sqlite3_backup_step() copies at most this many pages per step: all of them. */
const ALL_PAGES = 0x7fffffff;

export interface BackupResult {
  pages: number;
}

/**
 * Copies the SQLite database at `source` to `target` with SQLite's online backup API, while
 * the server keeps running: the copy is one consistent snapshot (it includes every
 * transaction committed to the WAL when it started, and nothing half done). Every page is
 * copied in a single step: the backup API restarts a copy whose source another process
 * changed between steps, which under steady load would never finish. The single step holds
 * a read transaction only, which in WAL mode blocks no writer. The copy is written beside
 * the target, checked with `PRAGMA integrity_check`, switched to a self-contained rollback
 * journal, and only then given the target's name, which must not exist yet.
 */
export async function backupSqliteDatabase(source: string, target: string): Promise<BackupResult> {
  if (!existsSync(source)) throw new BackupRefused(`No database at ${source}: check DATA_DIR and SQLITE_FILE.`);
  if (existsSync(target)) throw new BackupRefused(`${target} exists already: name a new file.`);
  const partial = `${target}.partial-${process.pid}`;
  const db = new Sqlite(source, { fileMustExist: true, timeout: 5_000 });
  try {
    const { totalPages } = await db.backup(partial, { progress: () => ALL_PAGES });
    const copy = new Sqlite(partial, { fileMustExist: true });
    try {
      const result = copy.pragma('integrity_check', { simple: true });
      if (result !== 'ok') throw new Error(`the copy failed its integrity check: ${String(result)}`);
      copy.pragma('journal_mode = DELETE');
    } finally {
      copy.close();
    }
    // A hard link refuses an existing name, where a rename would replace it.
    linkSync(partial, target);
    return { pages: totalPages };
  } finally {
    db.close();
    for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(partial + suffix, { force: true });
  }
}
