import { Global, Inject, Module, RequestMethod, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import pino, { type Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import { PinoNestLogger } from './pino-nest-logger.js';
import { requestLogContext } from './request-log-context.js';
import { appConfig, type AppConfig } from '../config/app.config.js';

/**
 * Paths pino censors wherever they appear in a log record. The serializers below already
 * keep only harmless request fields; this is the second line of defence for anything a
 * log call passes along (an object with a token, a header map…).
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

const SAFE_REQUEST_HEADERS = ['user-agent', 'content-type', 'content-length', 'origin', 'sec-fetch-site'];

/** What pino-http hands a custom request serializer: its own summary of the request. */
interface RequestSummary {
  id?: unknown;
  method?: string;
  url?: string;
  headers?: Record<string, unknown>;
  remoteAddress?: string;
}

/** The request as logged: method, path without the query string (it may carry a token), a few headers; never the body. */
function serializeRequest(request: RequestSummary) {
  const headers: Record<string, unknown> = {};
  for (const name of SAFE_REQUEST_HEADERS) if (request.headers?.[name] !== undefined) headers[name] = request.headers[name];
  return { id: request.id, method: request.method, path: (request.url ?? '').split('?')[0], headers, remoteAddress: request.remoteAddress };
}

function serializeResponse(response: { statusCode?: number }) {
  return { statusCode: response.statusCode };
}

export const PINO_ROOT = Symbol('PINO_ROOT');

type RawRequest = IncomingMessage & { id?: unknown; allLogs?: Logger[] };

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
  constructor(@Inject(PINO_ROOT) private readonly root: Logger) {}

  configure(consumer: MiddlewareConsumer): void {
    const logRequests = pinoHttp({
      logger: this.root,
      // The id the HTTP adapter gave the request (x-request-id when valid), copied onto the raw request.
      genReqId: (request: RawRequest) => (typeof request.id === 'string' ? request.id : 'unknown'),
      customAttributeKeys: { reqId: 'requestId' },
      quietReqLogger: true,
      serializers: { req: serializeRequest, res: serializeResponse, err: pino.stdSerializers.err },
    });
    const bindRequestLogger = (request: RawRequest, _response: ServerResponse, next: () => void) => {
      // pino-http leaves a `log` another layer put on the request alone; its own is the last of allLogs.
      const log = request.allLogs?.at(-1);
      if (log) requestLogContext.run(log, next);
      else next();
    };
    consumer.apply(logRequests, bindRequestLogger).forRoutes({ path: '*path', method: RequestMethod.ALL });
  }
}
