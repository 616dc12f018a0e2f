import { Catch, Logger, UseFilters, applyDecorators } from '@nestjs/common';
import { AllExceptionsFilter, ROUTE_CONFIG_METADATA } from '../../common/http/all-exceptions.filter.js';
import { ApiOAuthErrors } from '../../common/http/api-errors.js';
import { decorateHandlers } from '../../common/http/decorate-handlers.js';
import { NoStore } from '../../common/http/no-store.js';

/** RFC 6749 §5.2 error bodies `{error, error_description}` with no-store, whatever the route's prefix. */
@Catch()
export class OAuthExceptionFilter extends AllExceptionsFilter {
  protected override readonly logger = new Logger('OAuth');
  protected override readonly shape = 'oauth';
}

/**
 * Marks a controller as an OAuth endpoint: its own error filter (RFC 6749 shape), no-store on
 * every answer, and, in each handler's Fastify route config, the shape for errors raised before
 * the handler runs (a body that cannot be parsed), which reach the global filter.
 */
export function OAuthEndpoints(): ClassDecorator {
  const marked = decorateHandlers((_prototype, _name, descriptor) => {
    const handler = descriptor.value as object;
    const config = (Reflect.getMetadata(ROUTE_CONFIG_METADATA, handler) as Record<string, unknown> | undefined) ?? {};
    Reflect.defineMetadata(ROUTE_CONFIG_METADATA, { ...config, errorShape: 'oauth' }, handler);
  });
  return applyDecorators(UseFilters(OAuthExceptionFilter), NoStore(), marked);
}

/** The error answers every OAuth endpoint may give, for the OpenAPI document (500 is added by ApiOAuthErrors). */
export function ApiOAuthEndpointErrors(): ClassDecorator {
  return ApiOAuthErrors(
    [400, 'invalid_request: a missing, repeated or malformed parameter, or two client authentication methods'],
    [401, 'invalid_client, with WWW-Authenticate: Basic when Basic was used'],
    [415, 'Neither form-urlencoded nor JSON'],
    429,
    [503, 'temporarily_unavailable: the database cannot be reached'],
  );
}
