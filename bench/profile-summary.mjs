#!/usr/bin/env node
// Summarises a V8 .cpuprofile (from `node --cpu-prof`, e.g. BENCH_CPU_PROF=dir npm run bench):
// self time by function and by package, so the hot path can be read without DevTools.
// Usage: node bench/profile-summary.mjs file.cpuprofile [top=30] [--window=FROM-TO]
// --window keeps the samples taken between FROM and TO seconds after the profile started (the
// file name gives its wall-clock start), e.g. one phase of a bench run.
import { readFileSync } from 'node:fs';

const windowArg = process.argv.slice(2).find((arg) => arg.startsWith('--window='));
const [file, topArg] = process.argv.slice(2).filter((arg) => !arg.startsWith('--window='));
if (!file) {
  process.stderr.write('usage: profile-summary.mjs file.cpuprofile [top] [--window=FROM-TO]\n');
  process.exit(2);
}
const [windowFrom, windowTo] = windowArg ? windowArg.slice('--window='.length).split('-').map((s) => Number(s) * 1e6) : [0, Infinity];
const top = Number(topArg ?? 30);
const profile = JSON.parse(readFileSync(file, 'utf8'));
const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
const self = new Map();
const deltas = profile.timeDeltas;
let elapsed = 0;
for (let i = 0; i < profile.samples.length; i++) {
  elapsed += deltas[i] ?? 0;
  if (elapsed < windowFrom || elapsed > windowTo) continue;
  self.set(profile.samples[i], (self.get(profile.samples[i]) ?? 0) + (deltas[i] ?? 0));
}
const total = [...self.values()].reduce((a, b) => a + b, 0);

function where(url) {
  if (!url) return '(native/V8)';
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 13).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  if (url.startsWith('node:')) return url;
  const dist = url.indexOf('/dist/src/');
  return dist >= 0 ? `app:${url.slice(dist + 10)}` : url;
}

const byFunction = new Map();
const byPackage = new Map();
for (const [id, us] of self) {
  const frame = nodes.get(id).callFrame;
  const key = `${frame.functionName || '(anonymous)'}  ${where(frame.url)}:${frame.lineNumber + 1}`;
  byFunction.set(key, (byFunction.get(key) ?? 0) + us);
  const pkg = frame.url ? where(frame.url).replace(/^app:.*/, 'app (dist/src)') : frame.functionName;
  byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + us);
}
const pct = (us) => `${((us / total) * 100).toFixed(1).padStart(5)} %`;
const print = (title, map, n) => {
  process.stdout.write(`\n${title}\n`);
  for (const [key, us] of [...map].sort((a, b) => b[1] - a[1]).slice(0, n)) process.stdout.write(`${pct(us)}  ${(us / 1000).toFixed(0).padStart(7)} ms  ${key}\n`);
};
// Inclusive time of the application's own functions (a function's subtree, counted once
// per stack even when it recurses): where the request's time goes, layer by layer.
const inclusive = new Map();
const visit = (id, onStack) => {
  const node = nodes.get(id);
  const frame = node.callFrame;
  const key = frame.url.includes('/dist/src/') ? `${frame.functionName || '(anonymous)'}  ${where(frame.url)}:${frame.lineNumber + 1}` : undefined;
  const fresh = key !== undefined && !onStack.has(key);
  if (fresh) onStack.add(key);
  let sum = self.get(id) ?? 0;
  for (const child of node.children ?? []) sum += visit(child, onStack);
  if (fresh) {
    onStack.delete(key);
    inclusive.set(key, (inclusive.get(key) ?? 0) + sum);
  }
  return sum;
};
visit(profile.nodes[0].id, new Set());

const idle = byFunction.get('(idle)  (native/V8):0') ?? 0;
process.stdout.write(`${file}: ${(total / 1e6).toFixed(2)} s of main-thread samples, ${(((total - idle) / total) * 100).toFixed(1)} % busy\n`);
print('Self time by package / category', byPackage, top);
print('Self time by function', byFunction, top);
print('Inclusive time of application functions', inclusive, top);
