import { isAbsolute, resolve } from 'node:path';
import { ConfigError, loadBackupSettings } from './config/index.js';
import { BackupRefused, backupSqliteDatabase } from './database/sqlite-backup.js';

/**
 * `npm run backup -- <file>`: an online copy of the embedded SQLite database, taken while the
 * server runs. Exits 0 with one line naming the copy, or 1 with one line saying why not.
 */
async function main(args: string[]): Promise<void> {
  if (args.length !== 1 || args[0]!.startsWith('-')) {
    throw new BackupRefused('Usage: npm run backup -- <file>   (the file must not exist yet)');
  }
  const settings = loadBackupSettings();
  if (settings.database.kind === 'postgres') {
    throw new BackupRefused(
      'DATABASE_URL names a PostgreSQL database: back it up with pg_dump (for example `pg_dump --format=custom "$DATABASE_URL" > refresh-tokens.dump`). npm run backup copies the embedded SQLite database only.',
    );
  }
  const target = isAbsolute(args[0]!) ? args[0]! : resolve(settings.workingDir, args[0]!);
  const { pages } = await backupSqliteDatabase(settings.database.sqliteFile, target);
  process.stdout.write(`Backed up ${settings.database.sqliteFile} to ${target} (${pages} pages, integrity_check ok)\n`);
}

main(process.argv.slice(2)).catch((error: Error) => {
  const known = error instanceof BackupRefused || error instanceof ConfigError;
  process.stderr.write(`Backup failed: ${known ? error.message : `${error.name}: ${error.message}`}\n`);
  process.exitCode = 1;
});
