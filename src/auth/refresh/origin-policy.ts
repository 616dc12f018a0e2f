import { Inject, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { DomainError } from '../../common/errors/domain-error.js';
import { appConfig, type AppConfig } from '../../config/app.config.js';

/**
 * Cross-site request forgery defence for cookie-authenticated requests: the browser
 * attaches our cookies to any site's request, so the request must say where it came from.
 */
@Injectable()
export class OriginPolicy {
  private readonly allowed: Set<string>;

  constructor(@Inject(appConfig.KEY) config: AppConfig) {
    this.allowed = new Set([new URL(config.issuer).origin, ...config.corsOrigins.map(origin)]);
  }

  assertAllowed(request: FastifyRequest): void {
    const given = request.headers.origin;
    if (given !== undefined) {
      if (given === 'null' || !(this.allowed.has(origin(given)) || this.isSameOrigin(request, given))) {
        throw new DomainError('forbidden', 'Cross-origin cookie requests are not allowed from this origin');
      }
      return;
    }
    if (request.headers['sec-fetch-site'] === 'cross-site') {
      throw new DomainError('forbidden', 'Cross-site cookie requests are not allowed');
    }
  }

  /**
   * A page served by this server itself (the demo page, or any host name the server is
   * reached by). A browser cannot forge Host, and our cookies only go to our own host.
   */
  private isSameOrigin(request: FastifyRequest, given: string): boolean {
    const host = request.headers.host;
    return typeof host === 'string' && origin(given) === `${request.protocol}://${host.toLowerCase()}`;
  }
}

function origin(value: string): string {
  try {
    return new URL(value).origin;
  } catch {
    return value;
  }
}
