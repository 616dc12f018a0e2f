import { ValidationPipe, type INestApplication } from '@nestjs/common';
import { AllExceptionsFilter } from './common/http/all-exceptions.filter.js';

/**
 * What a host application (Express or Fastify) adds for AuthModule's routes: validation of
 * every request body against its DTO (unknown fields refused) and the error answers of the
 * contract. The standalone server's configureApp() does this and more (Fastify plugins,
 * helmet, OpenAPI). Cookies need no plugin: the module reads the Cookie header itself when
 * no cookie parser did, and writes Set-Cookie itself.
 */
export function configureAuthHost(app: INestApplication): void {
  app.useGlobalPipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }));
  app.useGlobalFilters(new AllExceptionsFilter());
}
