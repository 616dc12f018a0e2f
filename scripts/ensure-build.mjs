// `npm start` builds only when the compiled output is missing: rebuilding in place
// would rewrite files under a server that may already be running from dist/.
import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

if (!existsSync(new URL('../dist/main.js', import.meta.url))) {
  execFileSync('npm', ['run', 'build'], { stdio: 'inherit' });
}
