import { AsyncLocalStorage } from 'node:async_hooks';
import type { Logger as Pino } from 'pino';

/**
 * How a request's log lines get its id. The child logger that carries it is made on the
 * first line written while serving the request: most requests write none, and a child costs
 * more than the request's own logging (pino serializes its bindings through the redaction).
 */
export class RequestLog {
  private child: Pino | undefined;

  constructor(
    private readonly root: Pino,
    readonly requestId: string,
  ) {}

  get logger(): Pino {
    return (this.child ??= this.root.child({ requestId: this.requestId }));
  }
}

/** The request being served, for every log line written while serving it. */
export const requestLogContext = new AsyncLocalStorage<RequestLog>();
