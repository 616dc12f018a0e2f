import fastifyCookie from '@fastify/cookie';
import { ValidationPipe } from '@nestjs/common';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AllExceptionsFilter } from './common/http/all-exceptions.filter.js';
import { BODY_LIMIT_BYTES } from './common/http/body-limit.js';
import { securityHeaders } from './common/http/security-headers.js';
import { appConfig, type AppConfig } from './config/app.config.js';
import { databaseFaultObserverOf } from './host-setup.js';
import { setupOpenApi } from './openapi/openapi.js';

export { BODY_LIMIT_BYTES };

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
/** Answers that carry tokens, or refuse them, must never be cached. */
// The OAuth controllers set their own (src/auth/oauth/oauth-exception.filter.ts).
const NO_STORE = /^(\/[^?]*)?\/(api\/auth\/|api\/jwt\/)/; // also under AuthModule's optional route prefix

/**
 * Helmet's headers with strict defaults: scripts only from our own origin (the demo page loads
 * /demo/app.js), no framing. The same for every answer, so computed once.
 */
const SECURITY_HEADERS = securityHeaders({
  contentSecurityPolicy: {
    directives: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'"],
      imgSrc: ["'self'", 'data:'],
      connectSrc: ["'self'"],
      objectSrc: ["'none'"],
      frameAncestors: ["'none'"],
      baseUri: ["'none'"],
      formAction: ["'self'"],
      // The dev server runs on plain http://localhost; upgrading would break its demo page.
      upgradeInsecureRequests: null,
    },
  },
});

export function createHttpAdapter(config: Pick<AppConfig, 'trustProxy'>): FastifyAdapter {
  return new FastifyAdapter({
    bodyLimit: BODY_LIMIT_BYTES,
    trustProxy: config.trustProxy,
    // Keep-alive sockets must not hold a graceful shutdown open.
    forceCloseConnections: 'idle',
    genReqId: (request: { headers: Record<string, string | string[] | undefined> }) => {
      const given = request.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
  });
}

/** Everything the app needs around its modules; shared by main.ts and the e2e tests. */
export async function configureApp(app: NestFastifyApplication): Promise<void> {
  const fastify = app.getHttpAdapter().getInstance();
  await app.register(fastifyCookie as never);
  fastify.addHook('onRequest', (_request: FastifyRequest, reply: FastifyReply, done: () => void) => {
    reply.headers(SECURITY_HEADERS);
    done();
  });

  const { corsOrigins } = app.get<AppConfig>(appConfig.KEY, { strict: false });
  // Browser apps on these origins may call the cookie endpoints with credentials.
  if (corsOrigins.length > 0) app.enableCors({ origin: corsOrigins, credentials: true });

  // Callback style: an async hook costs every answer a promise and a turn of the microtask queue.
  fastify.addHook('onSend', (request: FastifyRequest, reply: FastifyReply, payload: unknown, done: (error: null, payload: unknown) => void) => {
    reply.header('x-request-id', request.id);
    if (NO_STORE.test(request.url)) {
      reply.header('cache-control', 'no-store');
      reply.header('pragma', 'no-cache');
    }
    done(null, payload);
  });

  app.useGlobalPipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }));
  app.useGlobalFilters(new AllExceptionsFilter(databaseFaultObserverOf(app)));
  app.enableShutdownHooks();
  setupOpenApi(app);
}
