/**
 * JavaScript for the top of an eval'd worker thread's source: it lowers that thread's
 * scheduling priority by `nice` steps (Linux, where a thread has a priority of its own; capped
 * at 19; nothing elsewhere, or when the system refuses).
 *
 * Why: every request passes through the event loop, while a helper thread (signing, webhook
 * sending) only does work the event loop handed it. On a machine whose cores are all busy,
 * waking a helper at the same priority let the kernel switch the event loop out in the middle
 * of its turn, and the requests it was serving waited. A lower priority lets the helpers use
 * what the event loop leaves, and they still run: the event loop waits for their answers.
 * The WAL checkpoint thread is not lowered: commits wait for its finishing pass.
 */
export function lowerPriorityPrelude(nice: number): string {
  if (!Number.isInteger(nice) || nice < 0 || nice > 19) throw new RangeError(`nice must be a whole number from 0 to 19, got ${nice}`);
  if (nice === 0) return '';
  return `try {
  const { getPriority, setPriority } = require('node:os');
  const tid = Number(require('node:fs').readlinkSync('/proc/thread-self').split('/').pop());
  setPriority(tid, Math.min(19, getPriority(tid) + ${nice}));
} catch {}
`;
}
