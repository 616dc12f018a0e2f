import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { operatorFlagNames } from './config/operator-v8-flags.js';
import { deferDateTimeFormats } from './deferred-date-time-format.js';

/**
 * Starting the app runs module bodies, decorators and Nest's bootstrap once, and V8 treats that
 * work as if it were the steady state. Imported first by main.ts (which imports everything else
 * dynamically, since a module it imported statically would load before this runs), this module
 * keeps what the start leaves behind from staying resident for the rest of the process's life;
 * `settleAfterStartup()`, called once the app is initialised and before it listens, restores
 * V8's defaults for the load.
 *
 * - The young generation: the start keeps most of what it allocates, and V8 answers such
 *   survival by doubling its semi-spaces up to 16 MiB: 32 MiB committed, idle or not. Growth is
 *   held at the initial size while the app starts (a few more scavenges).
 * - The optimizing compilers: many start-up functions run often enough for Sparkplug and
 *   TurboFan, whose compilations allocate zone memory on V8's helper threads. The C allocator
 *   keeps it once freed: about 10 MB, for code that never runs again. Both compilers are off
 *   while the app starts; the functions that serve requests get compiled under load as before.
 * - What the start left: one compacting full collection returns the garbage and its pages
 *   (about 5 MB), and drops the bytecode of functions that are not running (module bodies,
 *   decorators); a function needed later compiles again on its first call. It takes about
 *   170 ms on the bench machine, once, before the port opens.
 * - ICU's date data: `@nestjs/common` builds two `Intl.DateTimeFormat` when it is imported, for
 *   its console logger's timestamps, and the first one built maps in about 8 MB of ICU's locale
 *   and time-zone data. This service logs through pino, so they never format. Formatters built
 *   while the app starts build the real one on first use (deferred-date-time-format.ts).
 *
 * Measured (bench/RESULTS.md, rounds nine and ten): RSS one second after start, 118-122 MB
 * before, about 104 MB with the first three, about 97 MB with all four. Whatever the operator
 * set on the command line or in NODE_OPTIONS is left alone (`--jitless` above all: V8 must not
 * be asked to compile then).
 */
const operatorFlags = operatorFlagNames();
const operatorSet = (...names: string[]): boolean => names.some((name) => operatorFlags.has(name));
const holdYoungGeneration = !operatorSet('semi-space-growth-factor', 'min-semi-space-size', 'max-semi-space-size');
const holdCompilers = !operatorSet('jitless', 'turbofan', 'opt', 'sparkplug');
const collectAtReady = !operatorSet('expose-gc', 'compact-on-every-full-gc', 'stress-flush-code');

if (holdYoungGeneration) setFlagsFromString('--semi-space-growth-factor=1');
if (holdCompilers) {
  setFlagsFromString('--no-turbofan');
  setFlagsFromString('--no-sparkplug');
}
const restoreDateTimeFormat = deferDateTimeFormats();

export function settleAfterStartup(): void {
  restoreDateTimeFormat();
  if (holdCompilers) {
    setFlagsFromString('--turbofan');
    setFlagsFromString('--sparkplug');
  }
  if (collectAtReady) collectStartupGarbage();
  if (holdYoungGeneration) setFlagsFromString('--semi-space-growth-factor=2');
}

function collectStartupGarbage(): void {
  setFlagsFromString('--expose-gc');
  setFlagsFromString('--compact-on-every-full-gc');
  setFlagsFromString('--stress-flush-code');
  try {
    // A new context gets `gc` while --expose-gc is set; the app's own global never does.
    const gc = runInNewContext('gc') as () => void;
    gc();
  } finally {
    setFlagsFromString('--no-stress-flush-code');
    setFlagsFromString('--no-compact-on-every-full-gc');
    setFlagsFromString('--no-expose-gc');
  }
}
