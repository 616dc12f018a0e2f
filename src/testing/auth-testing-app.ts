import 'reflect-metadata';
import { ConsoleLogger, type INestApplication, type Type } from '@nestjs/common';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AccessTokenService } from '../auth/access-token.service.js';
import { ClientsService, type ClientRecord } from '../clients/clients.service.js';
import { Clock } from '../common/clock.js';
import { configureAuthHost } from '../host-setup.js';
import { withEnvironment } from '../config/environment-scope.js';
import { ControllableClock } from './controllable-clock.js';

export interface AuthTestingOptions {
  /** The host's root module, importing AuthModule.forRootAsync() (and WebhookModule if it wants webhooks). */
  module: Type<unknown>;
  /** The HTTP adapter the host runs on (default fastify; its package must be installed). */
  adapter?: 'fastify' | 'express';
  /** More configuration (ACCESS_TOKEN_TTL, WEBHOOK_ALLOWED_HOSTS…), on top of the kit's. */
  env?: Record<string, string>;
  /** Where the clock starts, in epoch milliseconds (default: now). */
  startAt?: number;
}

export interface MintOptions {
  sub: string;
  roles?: string[];
  scope?: string[];
  /** `client_id` (default `testing-client`). Without the module's `audience` option, the guard checks `aud` against this client's. */
  clientId?: string;
  /** `aud`: the module's `audience` option, or else the configured audience of `clientId`. */
  audience: string;
}

export interface AuthTestingApp {
  app: INestApplication;
  /** http://127.0.0.1:<port> */
  baseUrl: string;
  /** The admin key for the admin and webhook APIs. */
  adminKey: string;
  /** The service's time: tokens, expiry and grace windows follow it. */
  clock: ControllableClock;
  /** A signed access token of ours for the given subject, to call the host's guarded routes. */
  mintAccessToken(options: MintOptions): Promise<string>;
  /** Registers an OAuth client (a host app has no admin API); a confidential one's `clientSecret` is in the answer. */
  createClient(options: { name: string; audience: string; public?: boolean; scopes?: string[] }): Promise<ClientRecord & { clientSecret?: string }>;
  /** Closes the app and deletes its SQLite file. */
  close(): Promise<void>;
}

/**
 * Boots a host module with AuthModule on a temporary SQLite file and a controllable clock,
 * listening on 127.0.0.1. Configuration is read from the environment while the module starts,
 * so the kit sets its variables for that moment and restores the environment afterwards.
 */
export async function startAuthTestingApp(options: AuthTestingOptions): Promise<AuthTestingApp> {
  const { Test } = await import('@nestjs/testing');
  const dataDir = mkdtempSync(join(tmpdir(), 'auth-testing-'));
  const clock = new ControllableClock(options.startAt);
  const env: Record<string, string> = {
    NODE_ENV: 'test',
    DATA_DIR: dataDir,
    ADMIN_API_KEY: randomBytes(24).toString('base64url'),
    KEY_ENCRYPTION_KEY: randomBytes(24).toString('base64url'),
    RATE_LIMIT: 'off',
    COOKIE_SECURE: 'false',
    LOG_LEVEL: 'warn',
    ...options.env,
  };
  let app: INestApplication | undefined;
  await withEnvironment(env, ['DATABASE_URL'], async () => {
    try {
      const moduleRef = await Test.createTestingModule({ imports: [options.module] }).overrideProvider(Clock).useValue(clock).compile();
      const logger = new ConsoleLogger({ logLevels: ['error', 'warn'] });
      if (options.adapter === 'express') {
        const { ExpressAdapter } = await import('@nestjs/platform-express');
        app = moduleRef.createNestApplication(new ExpressAdapter(), { logger });
        configureAuthHost(app);
      } else {
        const { configureApp, createHttpAdapter } = await import('../fastify.js');
        const fastifyApp = moduleRef.createNestApplication<import('@nestjs/platform-fastify').NestFastifyApplication>(createHttpAdapter({ trustProxy: false }), { logger });
        await configureApp(fastifyApp);
        app = fastifyApp;
      }
      await app.listen(0, '127.0.0.1');
    } catch (error) {
      await app?.close().catch(() => undefined);
      rmSync(dataDir, { recursive: true, force: true });
      throw error;
    }
  });
  if (!app) throw new Error('The testing app did not start');
  const started: INestApplication = app;
  const { port } = started.getHttpServer().address() as { port: number };
  const accessTokens = started.get(AccessTokenService, { strict: false });
  return {
    app: started,
    baseUrl: `http://127.0.0.1:${port}`,
    adminKey: env.ADMIN_API_KEY!,
    clock,
    mintAccessToken: async ({ sub, roles = [], scope = [], clientId = 'testing-client', audience }) =>
      accessTokens.sign(accessTokens.prepare({ userId: sub, roles, scope, clientId, audience, familyId: randomUUID() })),
    createClient: (options) => started.get(ClientsService, { strict: false }).create({ public: false, ...options }),
    close: async () => {
      await started.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
