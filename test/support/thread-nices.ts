import { readdirSync, readFileSync } from 'node:fs';

/** The scheduling priority (nice) of each thread of this process, by thread id (Linux's /proc). */
export function threadNices(): Map<number, number> {
  const nices = new Map<number, number>();
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      // After "tid (name) ", the fields from the third on: nice is the 19th.
      nices.set(Number(tid), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]));
    } catch {
      // ended meanwhile
    }
  }
  return nices;
}

/** The nice values of the threads started since `before` was read. */
export function niceOfThreadsStartedSince(before: Map<number, number>): number[] {
  return [...threadNices()].filter(([tid]) => !before.has(tid)).map(([, nice]) => nice);
}
