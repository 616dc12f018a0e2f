import { UseInterceptors, applyDecorators, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { Observable } from 'rxjs';

/** RFC 6749 §5.1: answers that carry tokens, or refuse them, are never cached. */
export const NO_STORE_HEADERS = { 'cache-control': 'no-store', pragma: 'no-cache' };

class NoStoreInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const reply = context.switchToHttp().getResponse<{ header(name: string, value: string): unknown }>();
    for (const [name, value] of Object.entries(NO_STORE_HEADERS)) reply.header(name, value);
    return next.handle();
  }
}

/**
 * Every successful answer of the controller carries no-store, on any HTTP adapter and under
 * any route prefix. Errors: NoStoreApi() and OAuthEndpoints() add a filter that sets it too.
 */
export function NoStore(): ClassDecorator {
  return applyDecorators(UseInterceptors(NoStoreInterceptor));
}
