import { Catch, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { toErrorResponse } from './error-response.js';

/** The one place errors become HTTP answers. */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const response = toErrorResponse(exception, request.url.split('?')[0]!, String(request.id));
    if (response.fault) {
      this.logger.error(`Unhandled error on ${request.method} ${request.routeOptions?.url ?? 'unknown route'} [${request.id}]`, (exception as Error)?.stack);
    }
    reply.status(response.status).headers(response.headers).send(response.body);
  }
}
