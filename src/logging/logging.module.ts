import { Global, Inject, Module, RequestMethod, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import pino, { type Logger } from 'pino';
import { PinoNestLogger } from './pino-nest-logger.js';
import { requestLogging, requestLoggingHook } from './request-logging.js';
import { appConfig, type AppConfig } from '../config/app.config.js';

/**
 * Paths pino censors wherever they appear in a log record. Request lines already keep only
 * harmless request fields (request-logging.ts); this is the second line of defence for
 * anything a log call passes along (an object with a token, a header map…).
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
  'headers["set-cookie"]',
  ...['password', 'token', 'refreshToken', 'refresh_token', 'access_token', 'accessToken', 'clientSecret', 'client_secret', 'secret', 'body'].flatMap(
    (key) => [key, `*.${key}`],
  ),
];

export const PINO_ROOT = Symbol('PINO_ROOT');

/** Structured JSON logs (pino) with the request id on every line of a request. */
@Global()
@Module({
  providers: [
    {
      provide: PINO_ROOT,
      inject: [appConfig.KEY],
      useFactory: (app: AppConfig): Logger => {
        const options = { level: app.logLevel, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } };
        return app.logFile ? pino(options, pino.destination({ dest: app.logFile, sync: true, mkdir: true })) : pino(options);
      },
    },
    { provide: PinoNestLogger, inject: [PINO_ROOT], useFactory: (root: Logger) => new PinoNestLogger(root) },
  ],
  exports: [PINO_ROOT, PinoNestLogger],
})
export class LoggingModule implements NestModule {
  constructor(
    @Inject(PINO_ROOT) private readonly root: Logger,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  configure(consumer: MiddlewareConsumer): void {
    const adapter = this.adapterHost.httpAdapter;
    if (adapter?.getType() === 'fastify') {
      adapter.getInstance<FastifyInstance>().addHook('onRequest', requestLoggingHook(this.root));
      return;
    }
    consumer.apply(requestLogging(this.root)).forRoutes({ path: '*path', method: RequestMethod.ALL });
  }
}
