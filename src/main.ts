import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import cluster from 'node:cluster';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from './app.module.js';
import { configureApp, createHttpAdapter } from './app.setup.js';
import { ConfigError, loadAppConfig, validateEnvironment } from './config/index.js';
import { runWorkerCluster } from './worker-cluster.js';

async function bootstrap(): Promise<void> {
  try {
    validateEnvironment();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`Configuration error: ${error.message}\n`);
    process.exit(1);
  }
  const config = loadAppConfig();
  if (config.workers > 1 && cluster.isPrimary) {
    runWorkerCluster(config.workers);
    return;
  }
  const app = await NestFactory.create<NestFastifyApplication>(AppModule, createHttpAdapter(config), { abortOnError: false });
  await configureApp(app);
  await app.listen(config.port, config.host);
  new Logger('Bootstrap').log(`Listening on http://${config.host}:${config.port} (issuer ${config.issuer})`);
}

bootstrap().catch((error: unknown) => {
  process.stderr.write(`Failed to start: ${(error as Error)?.stack ?? String(error)}\n`);
  process.exit(1);
});
