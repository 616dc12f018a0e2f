import { Catch, Inject, Logger, Optional, UseFilters, applyDecorators, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { DatabaseFaultCause } from '../../database/database-fault.js';
import { errorContext, routeOf, sendErrorResponse } from './error-reply.js';
import { toErrorResponse, type ErrorShape } from './error-response.js';
import { NO_STORE_HEADERS, NoStore } from './no-store.js';

/** Fastify's route config key (`@RouteConfig()`), read here without importing the Fastify platform. */
export const ROUTE_CONFIG_METADATA = '__fastify_route_config__';

/** Told about every request answered 503 because of the database (metrics and readiness). */
export interface DatabaseFaultObserver {
  readonly retryAfterSeconds: number;
  faultAnswered(cause: DatabaseFaultCause): void;
}

/** Injection token of the DatabaseFaultObserver (DatabaseModule provides it; optional for every filter). */
export const DATABASE_FAULT_OBSERVER = Symbol('DATABASE_FAULT_OBSERVER');

/**
 * The one place errors become HTTP answers, `{error, message}`. Controllers with an answer
 * shape of their own (the OAuth endpoints) carry a subclass of this filter; an error raised
 * before their handler runs (a body Fastify cannot parse) reaches the global one, which then
 * follows the shape the matched route declares in its config.
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  protected readonly logger: Logger = new Logger('HTTP');
  /** The shape this filter always answers in; unset: the one the matched route declares. */
  protected readonly shape?: ErrorShape;
  /** Errors carry no-store too (token endpoints). */
  protected readonly noStore: boolean = false;

  constructor(@Optional() @Inject(DATABASE_FAULT_OBSERVER) private readonly databaseFaults?: DatabaseFaultObserver) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const { request, reply, requestId } = errorContext(host);
    const shape = this.shape ?? (request.routeOptions?.config?.errorShape === 'oauth' ? 'oauth' : 'api');
    const response = toErrorResponse(exception, shape, requestId, this.databaseFaults?.retryAfterSeconds);
    if (response.fault) {
      this.logger.error(`Unhandled error on ${request.method} ${routeOf(request)} [${requestId}]`, (exception as Error)?.stack);
    }
    if (response.databaseFault) {
      this.logger.warn(`Database ${response.databaseFault} on ${request.method} ${routeOf(request)} [${requestId}]: ${(exception as Error)?.message}`);
      this.databaseFaults?.faultAnswered(response.databaseFault);
    }
    sendErrorResponse(reply, response, shape === 'oauth' || this.noStore ? NO_STORE_HEADERS : {});
  }
}

/** `{error, message}` with no-store on every answer, errors included. */
@Catch()
export class NoStoreApiExceptionFilter extends AllExceptionsFilter {
  protected override readonly noStore = true;
}

/** `{error, message}` answers with no-store on every answer, errors included (the token endpoints outside OAuth). */
export function NoStoreApi(): ClassDecorator {
  return applyDecorators(UseFilters(NoStoreApiExceptionFilter), NoStore());
}
