import { AsyncLocalStorage } from 'node:async_hooks';
import type { Logger as Pino } from 'pino';

/** The request's child logger (it carries the request id) for every log line written while serving it. */
export const requestLogContext = new AsyncLocalStorage<Pino>();
