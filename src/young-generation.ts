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
