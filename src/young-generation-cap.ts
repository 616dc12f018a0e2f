import { PerformanceObserver } from 'node:perf_hooks';
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';

/**
 * Keeps V8's young generation at most `maxSemiSpaceBytes` per semi-space, for the rest of the
 * process's life.
 *
 * Under load V8 doubles the semi-spaces up to 16 MiB, and `--max-semi-space-size` is read only
 * when the process starts. The growth factor, though, is read at every scavenge: after each
 * garbage collection this sets it to 1 (no growth) once the semi-spaces reach the cap, and back
 * to 2 (V8's default) if V8 has shrunk them below it since. The check runs between turns of
 * the event loop, so one turn that allocates enough for several collections can still take the
 * semi-spaces a doubling past the cap; a server's turns are far shorter than that.
 */
export function capYoungGeneration(maxSemiSpaceBytes: number): void {
  let holding: boolean | undefined;
  const check = (): void => {
    const newSpace = getHeapSpaceStatistics().find((space) => space.space_name === 'new_space');
    if (newSpace === undefined) return;
    // The new space's size is both semi-spaces.
    const atCap = newSpace.space_size >= 2 * maxSemiSpaceBytes;
    if (atCap === holding) return;
    holding = atCap;
    setFlagsFromString(`--semi-space-growth-factor=${atCap ? 1 : 2}`);
  };
  check();
  // Told after collections, in batches and off the collection itself: between turns.
  new PerformanceObserver(check).observe({ entryTypes: ['gc'] });
}
