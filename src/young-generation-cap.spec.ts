import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { ensureBuilt } from '../test/support/server-process.js';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '..');
const MiB = 1024 * 1024;

/**
 * A fresh Node process (the test runner's own young generation has long grown) that keeps a
 * window of 200,000 objects alive while it allocates in short turns, as a server does: so most
 * of what is young survives, and V8 doubles the semi-spaces. Prints the largest new space seen.
 * A child process cannot load TypeScript, so it imports the built module.
 */
const WORKLOAD = `
const { getHeapSpaceStatistics } = await import('node:v8');
const { capYoungGeneration } = await import('./dist/src/young-generation-cap.js');
const cap = Number(process.argv[1]);
if (cap > 0) capYoungGeneration(cap);
const newSpace = () => getHeapSpaceStatistics().find((space) => space.space_name === 'new_space').space_size;
const alive = new Array(200_000);
let next = 0;
let largest = 0;
for (let turn = 0; turn < 1500; turn++) {
  for (let i = 0; i < 2000; i++) {
    alive[next] = { turn, i, text: 'x' + i };
    next = (next + 1) % alive.length;
  }
  await new Promise((resolve) => setImmediate(resolve));
  largest = Math.max(largest, newSpace());
}
process.stdout.write(String(largest));
`;

async function largestNewSpace(capBytes: number): Promise<number> {
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', WORKLOAD, String(capBytes)], { cwd: ROOT, timeout: 30_000 });
  return Number(stdout);
}

describe('capYoungGeneration', () => {
  beforeAll(() => ensureBuilt(), 180_000);

  it('holds the semi-spaces at the cap where V8 would keep doubling them', async () => {
    const [uncapped, capped] = await Promise.all([largestNewSpace(0), largestNewSpace(2 * MiB)]);
    // The workload does make V8 grow the young generation past the cap...
    expect(uncapped).toBeGreaterThan(4 * MiB);
    // ...and with the cap the new space (both semi-spaces) stays at twice the cap.
    expect(capped).toBe(4 * MiB);
  });
});
