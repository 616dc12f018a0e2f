import { Catch, Logger, UseFilters, applyDecorators, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { errorContext, routeOf, sendErrorResponse } from './error-reply.js';
import { toErrorResponse } from './error-response.js';
import { NO_STORE_HEADERS, NoStore } from './no-store.js';

/** Fastify's route config key (`@RouteConfig()`), read here without importing the Fastify platform. */
export const ROUTE_CONFIG_METADATA = '__fastify_route_config__';

/**
 * The one place errors become HTTP answers, `{error, message}`. Controllers with an answer
 * shape of their own (the OAuth endpoints) carry their own filter; an error raised before
 * their handler runs (a body Fastify cannot parse) reaches this one, which then follows the
 * shape the matched route declares in its config.
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  constructor(private readonly noStore = false) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const { request, reply, requestId } = errorContext(host);
    const oauth = request.routeOptions?.config?.errorShape === 'oauth';
    const response = toErrorResponse(exception, oauth ? 'oauth' : 'api', requestId);
    if (response.fault) {
      this.logger.error(`Unhandled error on ${request.method} ${routeOf(request)} [${requestId}]`, (exception as Error)?.stack);
    }
    sendErrorResponse(reply, response, oauth || this.noStore ? NO_STORE_HEADERS : {});
  }
}

/** `{error, message}` answers with no-store on every answer, errors included (the token endpoints outside OAuth). */
export function NoStoreApi(): ClassDecorator {
  return applyDecorators(UseFilters(new AllExceptionsFilter(true)), NoStore());
}
