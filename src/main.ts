import { settleAfterStartup } from './startup-memory.js';
import 'reflect-metadata';
import cluster from 'node:cluster';

async function bootstrap(): Promise<void> {
  // Dynamic like everything below: a static import is loaded before startup-memory.js runs.
  const { ConfigError, loadAppConfig, validateEnvironment } = await import('./config/index.js');
  try {
    validateEnvironment();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`Configuration error: ${error.message}\n`);
    process.exit(1);
  }
  const config = loadAppConfig();
  if (config.workers > 1 && cluster.isPrimary) {
    const { runWorkerCluster } = await import('./worker-cluster.js');
    runWorkerCluster(config.workers);
    return;
  }
  // Loaded only after the configuration is known to be good, so a bad value fails fast.
  const [{ Logger }, { NestFactory }, { PinoNestLogger }, { AppModule }, { configureApp, createHttpAdapter }] = await Promise.all([
    import('@nestjs/common'),
    import('@nestjs/core'),
    import('./logging/pino-nest-logger.js'),
    import('./app.module.js'),
    import('./app.setup.js'),
  ]);
  const app = await NestFactory.create<import('@nestjs/platform-fastify').NestFastifyApplication>(AppModule, createHttpAdapter(config), {
    abortOnError: false,
    bufferLogs: true,
  });
  app.useLogger(app.get(PinoNestLogger));
  await configureApp(app);
  await app.init();
  // Before the port opens, so that no request waits for the collection it runs.
  settleAfterStartup();
  await app.listen(config.port, config.host);
  new Logger('Bootstrap').log(`Listening on http://${config.host}:${config.port} (issuer ${config.issuer})`);
}

bootstrap().catch((error: unknown) => {
  process.stderr.write(`Failed to start: ${(error as Error)?.stack ?? String(error)}\n`);
  process.exit(1);
});
