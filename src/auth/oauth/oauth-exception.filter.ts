import { Catch, Logger, UseFilters, UseInterceptors, applyDecorators, type ArgumentsHost, type CallHandler, type ExceptionFilter, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { Observable } from 'rxjs';
import { ROUTE_CONFIG_METADATA } from '../../common/http/all-exceptions.filter.js';
import { errorContext, routeOf, sendErrorResponse } from '../../common/http/error-reply.js';
import { toErrorResponse } from '../../common/http/error-response.js';

/** RFC 6749 §5.1: answers that carry tokens, or refuse them, are never cached. */
const NO_STORE = { 'cache-control': 'no-store', pragma: 'no-cache' };

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
    sendErrorResponse(reply, response, NO_STORE);
  }
}

class NoStoreInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const reply = context.switchToHttp().getResponse<{ header(name: string, value: string): unknown }>();
    for (const [name, value] of Object.entries(NO_STORE)) reply.header(name, value);
    return next.handle();
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
  return applyDecorators(UseFilters(OAuthExceptionFilter), UseInterceptors(NoStoreInterceptor), marked);
}
