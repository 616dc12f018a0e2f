import { setFlagsFromString } from 'node:v8';

/**
 * Building the app keeps most of what it allocates (modules, metadata), and V8 answers such
 * survival by doubling the young generation up to its 16 MiB semi-spaces: 32 MiB committed for
 * the rest of the process's life, idle or not. Imported first by main.ts, this holds it at its
 * initial size while the app starts (a few more scavenges; main.ts imports everything else
 * dynamically, since a module it imported statically would load before this runs);
 * `releaseYoungGeneration()` then gives back V8's default growth, so the load sizes it as
 * before. Left alone when the operator sized it on the command line.
 */
const operatorSized = process.execArgv.some((flag) => flag.includes('semi-space'));
if (!operatorSized) setFlagsFromString('--semi-space-growth-factor=1');

export function releaseYoungGeneration(): void {
  if (!operatorSized) setFlagsFromString('--semi-space-growth-factor=2');
}

/**
 * Serving, the old generation holds about 40 MiB that lives, plus what requests in flight
 * leave behind when they outlive two scavenges. V8 sizes the old generation's next full
 * collection by how fast collection is, and on a heap this small that let it reach twice the
 * live size first: the process peaked at about 255 MB RSS at C=32. Growing it by 25 % over
 * what survived instead keeps that peak near 205 MB (a service in a 256 MB container stays in
 * it), for a few more full collections: about 1 % of the event loop (bench/RESULTS.md, round
 * eight). Set here, before the app is built, because each limit is computed at the full
 * collection before it; left alone when the operator set it on the command line.
 */
if (!process.execArgv.some((flag) => flag.includes('heap-growing-percent'))) setFlagsFromString('--heap-growing-percent=25');
