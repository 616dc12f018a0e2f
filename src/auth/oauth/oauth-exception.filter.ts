import { Catch, Logger, UseFilters, applyDecorators, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { ROUTE_CONFIG_METADATA } from '../../common/http/all-exceptions.filter.js';
import { errorContext, routeOf, sendErrorResponse } from '../../common/http/error-reply.js';
import { toErrorResponse } from '../../common/http/error-response.js';
import { NO_STORE_HEADERS, NoStore } from '../../common/http/no-store.js';

/** RFC 6749 §5.2 error bodies `{error, error_description}` with no-store, whatever the route's prefix. */
@Catch()
export class OAuthExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('OAuth');

  catch(exception: unknown, host: ArgumentsHost): void {
    const { request, reply, requestId } = errorContext(host);
    const response = toErrorResponse(exception, 'oauth', requestId);
    if (response.fault) {
      this.logger.error(`Unhandled error on ${request.method} ${routeOf(request)} [${requestId}]`, (exception as Error)?.stack);
    }
    sendErrorResponse(reply, response, NO_STORE_HEADERS);
  }
}

/**
 * Marks a controller as an OAuth endpoint: its own error filter (RFC 6749 shape), no-store on
 * every answer, and, in each handler's Fastify route config, the shape for errors raised before
 * the handler runs (a body that cannot be parsed), which reach the global filter.
 */
export function OAuthEndpoints(): ClassDecorator {
  const marked: ClassDecorator = (target) => {
    const prototype = (target as unknown as { prototype: Record<string, unknown> }).prototype;
    for (const name of Object.getOwnPropertyNames(prototype)) {
      const handler = prototype[name];
      if (name === 'constructor' || typeof handler !== 'function') continue;
      const config = (Reflect.getMetadata(ROUTE_CONFIG_METADATA, handler) as Record<string, unknown> | undefined) ?? {};
      Reflect.defineMetadata(ROUTE_CONFIG_METADATA, { ...config, errorShape: 'oauth' }, handler);
    }
  };
  return applyDecorators(UseFilters(OAuthExceptionFilter), NoStore(), marked);
}
