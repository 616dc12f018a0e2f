// `npm start` builds when the compiled output is missing or older than a source file
// (a `git pull` must not leave a stale build running). The build compiles over dist/ in
// place and never empties it, so a server already running from dist/ keeps its files.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const root = fileURLToPath(new URL('..', import.meta.url));
// dist/main.js is written last by the build (scripts/link-entry.mjs), after the compiler and
// the portal's static files (src/portal/static, which count as sources too).
const entry = join(root, 'dist', 'main.js');

function newestSource() {
  let newest = 0;
  const visit = (path) => {
    const stat = statSync(path);
    if (stat.isDirectory()) {
      for (const name of readdirSync(path)) visit(join(path, name));
    } else if (path.endsWith('.ts') || path.includes(`${join('portal', 'static')}`)) {
      newest = Math.max(newest, stat.mtimeMs);
    }
  };
  visit(join(root, 'src'));
  for (const file of ['ormconfig.ts', 'tsconfig.json', 'tsconfig.build.json', 'package.json']) {
    const path = join(root, file);
    if (existsSync(path)) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

const reason = !existsSync(entry)
  ? 'no build yet'
  : newestSource() > statSync(entry).mtimeMs
    ? 'a source file is newer than the build'
    : undefined;
if (reason) {
  process.stdout.write(`Building (${reason}).\n`);
  execFileSync('npm', ['run', 'build'], { stdio: 'inherit', cwd: root });
}
