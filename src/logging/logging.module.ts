import { Module, RequestMethod } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import { LoggerModule } from 'nestjs-pino';
import pino from 'pino';
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

/** Structured JSON logs (pino) with the Fastify request id on every line of a request. */
@Module({
  imports: [
    LoggerModule.forRootAsync({
      inject: [appConfig.KEY],
      useFactory: (app: AppConfig) => {
        const options = {
          level: app.logLevel,
          redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
          // Fastify's request id (x-request-id), copied onto the raw request by middie.
          genReqId: (request: IncomingMessage & { id?: string }) => request.id ?? 'unknown',
          customAttributeKeys: { reqId: 'requestId' },
          quietReqLogger: true,
          serializers: { req: serializeRequest, res: serializeResponse, err: pino.stdSerializers.err },
        };
        return {
          // nestjs-pino's default route pattern matches nothing under this Fastify adapter.
          forRoutes: [{ path: '*path', method: RequestMethod.ALL }],
          pinoHttp: app.logFile ? [options, pino.destination({ dest: app.logFile, sync: true, mkdir: true })] : options,
        };
      },
    }),
  ],
})
export class LoggingModule {}
