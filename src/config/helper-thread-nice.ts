import type { EnvReader } from './env-reader.js';

/**
 * HELPER_THREAD_NICE: how many steps below the event loop's scheduling priority the threads
 * that sign access tokens and send webhooks run (Linux; 0 to 19, 0 runs them at the same
 * priority). Read by both sections that start such threads. See lowerPriorityPrelude.
 */
export function readHelperThreadNice(read: EnvReader): number {
  return read.int('HELPER_THREAD_NICE', 10, { min: 0, max: 19 });
}
