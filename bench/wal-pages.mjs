// What a running server's group commits write to the SQLite WAL, by table and index.
//
//   node bench/wal-pages.mjs <server pid> [seconds]
//
// Attaches strace to the process for a few seconds (default 2) and records its writes to the
// WAL: each frame is a 24-byte header (page number, then the database size, non-zero on the
// frame that commits) and a page. Then copies the database file and its WAL, maps every page
// number to its table or index with SQLite's dbstat, and prints frames per commit by owner,
// and the HTTP answers (writev) per commit. Needs strace and the right to trace the process
// (root, or ptrace_scope 0). Run it while the server is under load, e.g. during the C=32 phase
// of a quick bench (the server is `node <app>/dist/main.js`); strace slows the process, so
// compare traces with each other, not with untraced throughput.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import Database from 'better-sqlite3';

const [pidArg, secondsArg = '2'] = process.argv.slice(2);
const pid = Number(pidArg);
const seconds = Number(secondsArg);
if (!Number.isInteger(pid) || pid <= 0 || !(seconds > 0 && seconds <= 30)) {
  console.error('usage: node bench/wal-pages.mjs <server pid> [seconds, at most 30]');
  process.exit(2);
}

// The WAL and its database, from the process's open files.
const fds = readdirSync(`/proc/${pid}/fd`).map((fd) => {
  try {
    return { fd: Number(fd), path: readlinkSync(`/proc/${pid}/fd/${fd}`) };
  } catch {
    return { fd: Number(fd), path: '' };
  }
});
const walFds = fds.filter((entry) => entry.path.endsWith('-wal'));
if (walFds.length === 0) {
  console.error(`process ${pid} has no SQLite WAL open`);
  process.exit(1);
}
const walPath = walFds[0].path;
const dbPath = walPath.slice(0, -'-wal'.length);

const work = mkdtempSync(join(tmpdir(), 'wal-pages-'));
try {
  const trace = join(work, 'trace.txt');
  // -xx: every byte of each buffer in hex, so a header can be read whatever it holds.
  try {
    execFileSync('timeout', [String(seconds), 'strace', '-f', '-xx', '-s', '24', '-e', 'trace=pwrite64,writev', '-p', String(pid), '-o', trace], { stdio: 'ignore' });
  } catch {
    // timeout ends strace with a non-zero status: what it wrote is the trace.
  }
  if (!existsSync(trace)) throw new Error('strace wrote no trace (is it installed, and may this user trace the process?)');
  // A copy taken now maps page numbers as the trace saw them, near enough: pages rarely change owner.
  copyFileSync(dbPath, join(work, 'db.sqlite'));
  if (existsSync(walPath)) copyFileSync(walPath, join(work, 'db.sqlite-wal'));
  const db = new Database(join(work, 'db.sqlite'));
  let owners;
  try {
    owners = new Map(db.prepare('SELECT pageno, name, pagetype FROM dbstat').all().map((row) => [row.pageno, `${row.name} (${row.pagetype})`]));
  } finally {
    db.close();
  }

  const walFdSet = new Set(walFds.map((entry) => entry.fd));
  const byOwner = new Map();
  let frames = 0;
  let commits = 0;
  let answers = 0;
  for (const line of readFileSync(trace, 'utf8').split('\n')) {
    if (/\bwritev\(/.test(line)) answers += 1;
    const header = /pwrite64\((\d+), "((?:\\x[0-9a-f]{2})+)"(?:\.\.\.)?, 24, \d+\)/.exec(line);
    if (!header || !walFdSet.has(Number(header[1]))) continue;
    const bytes = Buffer.from(header[2].replaceAll('\\x', ''), 'hex');
    if (bytes.length < 8) continue;
    frames += 1;
    const owner = owners.get(bytes.readUInt32BE(0)) ?? 'page not in the copy';
    byOwner.set(owner, (byOwner.get(owner) ?? 0) + 1);
    if (bytes.readUInt32BE(4) !== 0) commits += 1;
  }
  if (commits === 0) throw new Error('no commit in the trace: is the server under load?');
  console.log(`${basename(dbPath)}: ${seconds} s traced, ${commits} commits, ${(frames / commits).toFixed(1)} frames per commit, ${(answers / commits).toFixed(1)} HTTP answers (writev) per commit`);
  console.log('frames per commit, by the table or index that owns the page:');
  for (const [owner, count] of [...byOwner].sort((a, b) => b[1] - a[1])) console.log(`${(count / commits).toFixed(2).padStart(8)}  ${owner}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
