import type { Worker } from 'node:worker_threads';

/**
 * Asks a worker thread to finish (`message`), waits for it to exit for at most `graceMs`, then
 * terminates it. The thread is referenced while we wait: with nothing else left to keep the
 * event loop alive, an unreferenced wait would let the process exit in the middle of the
 * shutdown hooks.
 */
export async function stopThread(thread: Worker, message: unknown, graceMs = 2000): Promise<void> {
  const exited = new Promise((resolve) => thread.once('exit', resolve));
  thread.ref();
  thread.postMessage(message);
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([exited, new Promise((resolve) => (timer = setTimeout(resolve, graceMs)))]);
  clearTimeout(timer);
  await thread.terminate();
}
