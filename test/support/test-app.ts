import 'reflect-metadata';
import { ConsoleLogger, type Type } from '@nestjs/common';
import { ExpressAdapter, type NestExpressApplication } from '@nestjs/platform-express';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test, type TestingModuleBuilder } from '@nestjs/testing';
import { PinoNestLogger } from '../../src/logging/pino-nest-logger.js';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppModule } from '../../src/app.module.js';
import { configureApp, createHttpAdapter } from '../../src/app.setup.js';
import { readAppConfig } from '../../src/config/app.config.js';
import { configureAuthHost } from '../../src/host-setup.js';
import { ApiClient } from './api-client.js';
import { createScratchDatabase, type ScratchDatabase } from './postgres-database.js';
import { remoteTestApp } from './remote-test-app.js';

export interface TestApp {
  app: NestFastifyApplication;
  baseUrl: string;
  /** The `iss` of its tokens and the metadata's issuer (ISSUER, by default http://localhost:$PORT). */
  issuer: string;
  adminKey: string;
  dataDir: string;
  env: Record<string, string>;
  api: ApiClient;
  close(): Promise<void>;
}

export interface TestAppOptions {
  env?: Record<string, string | undefined>;
  /** Replace providers before the app starts (a failing repository, a fixed clock…). */
  override?: (builder: TestingModuleBuilder) => TestingModuleBuilder;
  /** Listen on this port instead of a random one (see `freePort()`). */
  port?: number;
  /** The root module to boot instead of AppModule (a host application's, for example). */
  module?: Type<unknown>;
  /** The HTTP adapter: Fastify (the standalone server's, with its full setup) or Express (a host app's, with configureAuthHost()). */
  adapter?: 'fastify' | 'express';
  /** Another app of the same deployment: same storage (SQLite folder or PostgreSQL database) and secrets. */
  sharing?: TestApp;
  /**
   * Settings a black-box spec needs of the deployment (e.g. WEBHOOK_ALLOWED_HOSTS for its
   * receiver): applied to the in-process app, and required of a remote one, which the README
   * documents (nothing can set them remotely).
   */
  expects?: Record<string, string>;
}

/** True under `npm run test:e2e:remote`: the specs talk to the deployment at E2E_BASE_URL. */
export const isRemote = (): boolean => Boolean(process.env.E2E_BASE_URL);

export { freePort } from './server-process.js';

/**
 * Boots the real AppModule on 127.0.0.1 with a fresh SQLite file in a temporary folder,
 * or, when DATABASE_URL is set, a fresh PostgreSQL database on that server (dropped on close).
 * Configuration is read from process.env while the module initialises, so the
 * variables are set for the duration of the start and restored afterwards.
 */
export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  // npm run test:e2e:remote: the black-box specs against a running deployment.
  if (process.env.E2E_BASE_URL) {
    if (options.env || options.override) throw new Error('A spec that configures its app cannot run against E2E_BASE_URL');
    return remoteTestApp(process.env.E2E_BASE_URL, process.env.E2E_ADMIN_API_KEY ?? '', process.env.E2E_ISSUER);
  }
  if (options.expects) options = { ...options, env: { ...options.expects, ...options.env } };
  const shared = options.sharing;
  const dataDir = shared ? shared.dataDir : mkdtempSync(join(tmpdir(), 'rts-e2e-'));
  const pgServer = 'DATABASE_URL' in (options.env ?? {}) ? options.env!.DATABASE_URL : process.env.DATABASE_URL;
  const scratch: ScratchDatabase | undefined = pgServer && !shared ? await createScratchDatabase(pgServer) : undefined;
  const env: Record<string, string> = {
    NODE_ENV: 'test',
    DATA_DIR: dataDir,
    ADMIN_API_KEY: randomBytes(24).toString('base64url'),
    KEY_ENCRYPTION_KEY: randomBytes(24).toString('base64url'),
    ...(shared
      ? {
          ADMIN_API_KEY: shared.env.ADMIN_API_KEY!,
          KEY_ENCRYPTION_KEY: shared.env.KEY_ENCRYPTION_KEY!,
          ...(shared.env.DATABASE_URL ? { DATABASE_URL: shared.env.DATABASE_URL } : {}),
        }
      : {}),
    RATE_LIMIT: 'off',
    LOG_LEVEL: 'warn',
    COOKIE_SECURE: 'false',
    ...Object.fromEntries(Object.entries(options.env ?? {}).filter((entry): entry is [string, string] => entry[1] !== undefined)),
    ...(scratch ? { DATABASE_URL: scratch.url } : {}),
  };
  const unset = Object.entries(options.env ?? {}).filter(([, value]) => value === undefined).map(([key]) => key);
  const saved = { ...process.env };
  Object.assign(process.env, env);
  for (const key of unset) delete process.env[key];
  try {
    const issuer = readAppConfig(process.env).issuer;
    let builder = Test.createTestingModule({ imports: [options.module ?? AppModule] });
    if (options.override) builder = options.override(builder);
    const moduleRef = await builder.compile();
    const logger = new ConsoleLogger({ logLevels: ['error', 'warn'] });
    const app =
      options.adapter === 'express'
        ? (moduleRef.createNestApplication<NestExpressApplication>(new ExpressAdapter(), { logger }) as unknown as NestFastifyApplication)
        : moduleRef.createNestApplication<NestFastifyApplication>(createHttpAdapter({ trustProxy: false }), { logger });
    // A host application's own module brings its own logger.
    if (!options.module) app.useLogger(app.get(PinoNestLogger));
    if (options.adapter === 'express') configureAuthHost(app);
    else await configureApp(app);
    await app.listen(options.port ?? 0, '127.0.0.1');
    const address = app.getHttpServer().address() as { port: number };
    const baseUrl = `http://127.0.0.1:${address.port}`;
    return {
      app,
      baseUrl,
      issuer,
      adminKey: env.ADMIN_API_KEY!,
      dataDir,
      env,
      api: new ApiClient(baseUrl, env.ADMIN_API_KEY!),
      close: async () => {
        await app.close();
        await scratch?.drop();
        // The first app of a shared deployment owns its storage.
        if (!shared) rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await scratch?.drop().catch(() => undefined);
    throw error;
  } finally {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
  }
}
