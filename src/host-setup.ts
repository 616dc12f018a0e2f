import { ValidationPipe, type INestApplication } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AllExceptionsFilter, DATABASE_FAULT_OBSERVER, type DatabaseFaultObserver } from './common/http/all-exceptions.filter.js';
import { BODY_LIMIT_BYTES } from './common/http/body-limit.js';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * What a host application (Express or Fastify) adds for AuthModule's routes: validation of
 * every request body against its DTO (unknown fields refused) and the error answers of the
 * contract; on Express also a request id (a valid `x-request-id`, else a UUID), which Fastify
 * gives every request itself, and body parsers capped at 16 KiB (registered before Nest's
 * defaults, which then stand aside; a Fastify host sets `bodyLimit` on its FastifyAdapter, as
 * createHttpAdapter() from `./fastify` does). The standalone server's configureApp() does this and more
 * (Fastify plugins, helmet, OpenAPI). Cookies need no plugin: the module reads the Cookie
 * header itself when no cookie parser did, and writes Set-Cookie itself.
 */
export function configureAuthHost(app: INestApplication): void {
  if (app.getHttpAdapter().getType() === 'express') {
    app.use((request: IncomingMessage & { id?: string }, response: ServerResponse, next: () => void) => {
      const given = request.headers['x-request-id'];
      request.id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
      response.setHeader('x-request-id', request.id);
      next();
    });
    const parsers = app as unknown as { useBodyParser(type: 'json' | 'urlencoded', options: object): void };
    parsers.useBodyParser('json', { limit: BODY_LIMIT_BYTES });
    parsers.useBodyParser('urlencoded', { limit: BODY_LIMIT_BYTES, extended: true });
  }
  app.useGlobalPipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }));
  app.useGlobalFilters(new AllExceptionsFilter(databaseFaultObserverOf(app)));
}

/** The module's database health, told of every 503 (metrics, readiness); absent in a bare host. */
export function databaseFaultObserverOf(app: INestApplication): DatabaseFaultObserver | undefined {
  try {
    return app.get<DatabaseFaultObserver>(DATABASE_FAULT_OBSERVER, { strict: false });
  } catch {
    return undefined;
  }
}
