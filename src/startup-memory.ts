import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { operatorFlagNames } from './config/operator-v8-flags.js';
import { deferDateTimeFormats } from './deferred-date-time-format.js';
import { capYoungGeneration } from './young-generation-cap.js';

/**
 * Starting the app runs module bodies, decorators and Nest's bootstrap once, and V8 treats that
 * work as if it were the steady state. Imported first by main.ts (which imports everything else
 * dynamically, since a module it imported statically would load before this runs), this module
 * keeps what the start leaves behind from staying resident for the rest of the process's life;
 * `settleAfterStartup()`, called once the app is initialised and before it listens, sets V8 up
 * for the load.
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
 * Under load, from then on, two of V8's defaults would make the process far larger than what it
 * keeps alive (about 40 MB of heap):
 * - The semi-spaces would double up to 16 MiB each; they are held at 8 MiB
 *   (young-generation-cap.ts).
 * - The old generation would grow up to four times what the last full collection kept before
 *   the next one; it grows by half of it.
 *
 * Measured (bench/RESULTS.md, rounds nine and ten): RSS one second after start, 118-122 MB
 * before, about 104 MB with the first three, about 97 MB with all four. The peak under load at
 * C=32 went from 221-253 MB to 184-189 MB, with no loss of throughput or p99. Whatever the
 * operator set on the command line or in NODE_OPTIONS is left alone (`--jitless` above all:
 * V8 must not be asked to compile then).
 */
const operatorFlags = operatorFlagNames();
const operatorSet = (...names: string[]): boolean => names.some((name) => operatorFlags.has(name));
const holdYoungGeneration = !operatorSet('semi-space-growth-factor', 'min-semi-space-size', 'max-semi-space-size');
const holdCompilers = !operatorSet('jitless', 'turbofan', 'opt', 'sparkplug');
const collectAtReady = !operatorSet('expose-gc', 'compact-on-every-full-gc', 'stress-flush-code');
const boundOldGeneration = !operatorSet('heap-growing-percent');

/** The young generation's semi-spaces under load: V8 would take them to 16 MiB. */
const MAX_SEMI_SPACE_BYTES = 8 * 1024 * 1024;
/** The old generation may grow by this much past what the last full collection kept (V8: up to 4x). */
const OLD_GENERATION_GROWING_PERCENT = 50;

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
  // Before the collection, so that the limit it sets is already the steadier one.
  if (boundOldGeneration) setFlagsFromString(`--heap-growing-percent=${OLD_GENERATION_GROWING_PERCENT}`);
  if (collectAtReady) collectStartupGarbage();
  if (holdYoungGeneration) capYoungGeneration(MAX_SEMI_SPACE_BYTES);
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
