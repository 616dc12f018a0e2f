import type { LoggerService } from '@nestjs/common';
import type { Logger as Pino } from 'pino';
import { requestLogContext } from './request-log-context.js';

type Level = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';

/**
 * Nest's LoggerService on pino: `Logger` calls anywhere in the app become JSON lines, and
 * those made while serving a request carry its request id. Replaces nestjs-pino, whose
 * releases for Nest 12 require Node 22.
 */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly root: Pino) {}

  verbose(message: unknown, ...params: unknown[]): void {
    this.write('trace', message, params);
  }
  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }
  log(message: unknown, ...params: unknown[]): void {
    this.write('info', message, params);
  }
  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }
  error(message: unknown, ...params: unknown[]): void {
    this.write('error', message, params);
  }
  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params);
  }

  private write(level: Level, message: unknown, params: unknown[]): void {
    const logger = requestLogContext.getStore()?.logger ?? this.root;
    const fields: Record<string, unknown> = {};
    // Nest passes the context last; an error's stack, when given, just before it.
    const rest = [...params];
    if (rest.length > 0 && typeof rest[rest.length - 1] === 'string') fields.context = rest.pop();
    const stack = rest.length > 0 && typeof rest[0] === 'string' && /\n\s*at /.test(rest[0] as string) ? (rest.shift() as string) : undefined;
    if (message instanceof Error) {
      fields.err = message;
      logger[level](fields, message.message);
    } else if (typeof message === 'object' && message !== null) {
      logger[level]({ ...fields, ...(message as Record<string, unknown>) });
    } else {
      if (stack) {
        const err = new Error(String(message));
        err.stack = stack;
        fields.err = err;
      }
      logger[level](fields, String(message));
    }
  }
}
