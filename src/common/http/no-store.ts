import { Header, applyDecorators } from '@nestjs/common';
import { decorateHandlers } from './decorate-handlers.js';

/** RFC 6749 §5.1: answers that carry tokens, or refuse them, are never cached. */
export const NO_STORE_HEADERS = { 'cache-control': 'no-store', pragma: 'no-cache' };

/**
 * Every successful answer of the controller carries no-store, on any HTTP adapter and under
 * any route prefix. Errors: NoStoreApi() and OAuthEndpoints() add a filter that sets it too.
 *
 * Nest's own response headers (`@Header()` on each handler), set once the guards have passed
 * and before the handler runs, as an interceptor would. An interceptor costs every request a
 * ReplaySubject and an rxjs pipeline around the handler: on the refresh routes rxjs alone was
 * 3 % of the event loop's time, and no other interceptor is in their way.
 */
export function NoStore(): ClassDecorator {
  return applyDecorators(...Object.entries(NO_STORE_HEADERS).map(([header, value]) => decorateHandlers(Header(header, value))));
}
