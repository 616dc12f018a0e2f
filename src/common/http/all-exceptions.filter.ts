import { Catch, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { DatabaseFaultCause } from '../../database/database-fault.js';
import { toErrorResponse } from './error-response.js';

/** Told about every request answered 503 because of the database (metrics and readiness). */
export interface DatabaseFaultObserver {
  readonly retryAfterSeconds: number;
  faultAnswered(cause: DatabaseFaultCause): void;
}

/** The one place errors become HTTP answers. */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  constructor(private readonly databaseFaults?: DatabaseFaultObserver) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const response = toErrorResponse(exception, request.url.split('?')[0]!, String(request.id), this.databaseFaults?.retryAfterSeconds);
    if (response.fault) {
      this.logger.error(`Unhandled error on ${request.method} ${request.routeOptions?.url ?? 'unknown route'} [${request.id}]`, (exception as Error)?.stack);
    }
    if (response.databaseFault) {
      this.logger.warn(`Database ${response.databaseFault} on ${request.method} ${request.routeOptions?.url ?? 'unknown route'} [${request.id}]: ${(exception as Error)?.message}`);
      this.databaseFaults?.faultAnswered(response.databaseFault);
    }
    reply.status(response.status).headers(response.headers).send(response.body);
  }
}
