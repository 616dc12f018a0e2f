import pg from 'pg';

/** pg's message when `query_timeout` passes without an answer. */
const READ_TIMEOUT = 'Query read timeout';

/**
 * pg's client that gives up on its connection when a statement's answer does not arrive in
 * time. pg itself only fails the waiting caller: the statement stays on the wire, and every
 * later statement on that pooled connection queues behind it. Closing the socket fails those
 * at once, and the pool replaces the connection, so a network partition costs each request
 * one statement timeout, never a growing queue.
 */
export class StallGuardedPgClient extends pg.Client {
  override query(...args: unknown[]): any {
    const result = (super.query as (...inner: unknown[]) => unknown)(...args);
    if (result instanceof Promise) {
      result.catch((error: unknown) => {
        if ((error as Error | undefined)?.message === READ_TIMEOUT) {
          (this as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
        }
      });
    }
    return result;
  }
}
