// Seeded SQLite files for the growth step: the schema as the built server's migrations make
// it, filled directly with refresh-token families as a busy deployment would hold them.
// One template per schema version and size, built once under bench/.work/growth and copied
// for every run, so reruns cost a file copy.
//
// Usage (builds the template ahead of a run): node bench/growth-seed.mjs [tokens=1000000] [--app DIR]
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { copyFileSync, constants, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from './server-process.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const templatesDir = join(here, '.work/growth');

const HOUR = 3600_000;
const DAY = 24 * HOUR;
/** The server's defaults: absolute and idle lifetimes, and how long processed outbox events stay. */
const FAMILY_TTL = 30 * DAY;
const IDLE_TTL = 14 * DAY;
const OUTBOX_RETENTION = HOUR;
export const TOKENS_PER_FAMILY = 10;
const USERS = 20_000;
/** Bumped whenever what `seed` writes changes, so older templates are not reused. */
const SEED_FORMAT = 3;
const CLIENTS = 8;

/** The schema version of a build: a hash of its compiled migrations. */
export function schemaVersion(appDir) {
  const dir = join(appDir, 'dist/src/database/migrations');
  const hash = createHash('sha256');
  for (const file of readdirSync(dir).filter((name) => name.endsWith('.js')).sort()) hash.update(file).update(readFileSync(join(dir, file)));
  return hash.digest('hex').slice(0, 12);
}

/**
 * The template for `tokens` stored refresh tokens, built if missing: `tokens / 10` families
 * of 10 tokens, every token consumed except the last (naming its successor, the sealed copy
 * already wiped as the grace sweep leaves it), plus the outbox rows retention would still
 * keep (processed events of the last hour).
 */
export async function growthTemplate({ appDir, tokens, outbox = 'retained', log = () => {} }) {
  const file = join(templatesDir, `${schemaVersion(appDir)}-s${SEED_FORMAT}-${tokens}-${outbox}.sqlite`);
  if (existsSync(file)) return file;
  mkdirSync(templatesDir, { recursive: true });
  log(`growth: building the ${tokens.toLocaleString('en')}-token template (once per schema version)`);
  const started = Date.now();
  const scratch = `${file}.building`;
  rmSync(scratch, { force: true });
  // The real server migrates an empty file; its own rows (signing key, settings) are removed after.
  const server = await startServer({ appDir, alg: 'ES256', workers: 1 });
  const migrated = join(server.dataDir, 'refresh-tokens.sqlite');
  await server.stop({ keepData: true });
  const Database = createRequire(join(appDir, 'package.json'))('better-sqlite3');
  {
    const db = new Database(migrated);
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.pragma('journal_mode = DELETE');
    db.close();
  }
  copyFileSync(migrated, scratch);
  rmSync(server.dataDir, { recursive: true, force: true });
  const db = new Database(scratch);
  try {
    db.pragma('synchronous = OFF');
    db.pragma('cache_size = -1000000');
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'migrations'").pluck().all();
    for (const table of tables) db.prepare(`DELETE FROM "${table}"`).run();
    const counts = seed(db, tokens, outbox);
    db.pragma('journal_mode = WAL');
    log(`growth: template built in ${((Date.now() - started) / 1000).toFixed(0)} s: ${JSON.stringify(counts)}`);
  } finally {
    db.close();
  }
  renameSync(scratch, file);
  return file;
}

function seed(db, tokens, outbox) {
  const now = Date.now();
  const users = Array.from({ length: USERS }, () => randomUUID());
  const clients = Array.from({ length: CLIENTS }, () => randomUUID());
  const insertFamily = db.prepare(
    `INSERT INTO refresh_token_families (id, user_id, client_id, scope, rotation, created_at, expires_at, last_used_at, revoked_at, revoked_reason, ip, user_agent)
     VALUES (?, ?, ?, 'openid profile', ?, ?, ?, ?, NULL, NULL, ?, 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36')`,
  );
  const insertToken = db.prepare(
    `INSERT INTO refresh_tokens (id, family_id, token_hash, generation, issued_at, expires_at, consumed_at, successor_id, successor_sealed, grace_until)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL)`,
  );
  const insertEvent = db.prepare('INSERT INTO outbox_events (id, type, payload, created_at, processed_at) VALUES (?, ?, ?, ?, ?)');
  const families = Math.ceil(tokens / TOKENS_PER_FAMILY);
  let events = 0;
  const batch = db.transaction((from, to) => {
    for (let f = from; f < to; f++) {
      const familyId = randomUUID();
      const userId = users[f % USERS];
      const clientId = clients[f % CLIENTS];
      // Logins spread over the absolute lifetime; rotations spread from the login to now.
      const createdAt = now - Math.floor(Math.random() * (FAMILY_TTL - HOUR));
      const step = (now - createdAt) / TOKENS_PER_FAMILY;
      const ip = `10.${f & 255}.${(f >> 8) & 255}.${(f >> 16) & 255}`;
      const ids = Array.from({ length: TOKENS_PER_FAMILY }, () => randomUUID());
      const issued = ids.map((_, generation) => Math.floor(createdAt + generation * step + Math.random() * step * 0.5));
      insertFamily.run(familyId, userId, clientId, TOKENS_PER_FAMILY - 1, createdAt, createdAt + FAMILY_TTL, issued.at(-1), ip);
      for (let generation = 0; generation < TOKENS_PER_FAMILY; generation++) {
        const last = generation === TOKENS_PER_FAMILY - 1;
        const issuedAt = issued[generation];
        insertToken.run(
          ids[generation],
          familyId,
          // The stored form of a token (refreshTokenKey): its issue time as 12 hex digits, then
          // its SHA-256, base64url (a hash of a random token is random).
          issuedAt.toString(16).padStart(12, '0') + randomBytes(32).toString('base64url'),
          generation,
          issuedAt,
          Math.min(issuedAt + IDLE_TTL, createdAt + FAMILY_TTL),
          last ? null : issued[generation + 1],
          last ? null : ids[generation + 1],
        );
        if (outbox === 'all' || issuedAt > now - OUTBOX_RETENTION) {
          const type = generation === 0 ? 'token.issued' : 'token.refreshed';
          const payload = JSON.stringify({
            userId,
            clientId,
            familyId,
            rotation: generation,
            scope: 'openid profile',
            ip,
            userAgent: null,
            accessTokenJti: randomUUID(),
            accessTokenExpiresAt: new Date(issuedAt + HOUR).toISOString(),
            ...(generation === 0 ? {} : { replay: false }),
          });
          insertEvent.run(randomUUID(), type, payload, issuedAt, issuedAt + 5);
          events++;
        }
      }
    }
  });
  for (let from = 0; from < families; from += 10_000) batch(from, Math.min(families, from + 10_000));
  return { families, tokens: families * TOKENS_PER_FAMILY, outbox_events: events };
}

/** A fresh copy of the template as `dataDir`'s database file. */
export function copyTemplate(template, dataDir) {
  mkdirSync(dataDir, { recursive: true });
  copyFileSync(template, join(dataDir, 'refresh-tokens.sqlite'), constants.COPYFILE_FICLONE);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const appIndex = args.indexOf('--app');
  const appDir = resolve(appIndex >= 0 ? args.splice(appIndex, 2)[1] : join(here, '..'));
  const tokens = Number(args[0] ?? 1_000_000);
  const file = await growthTemplate({ appDir, tokens, log: (message) => process.stderr.write(`${message}\n`) });
  process.stdout.write(`${file}\n`);
}
