import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { appConfig, type AppConfig } from '../config/app.config.js';
import { HealthController } from './health.controller.js';

@Module({
  imports: [
    TerminusModule.forRootAsync({
      inject: [appConfig.KEY],
      // Readiness answers 503 from the first moment of a SIGTERM; the drain keeps serving
      // meanwhile so that a load balancer can stop routing here before connections close.
      useFactory: (config: AppConfig) => ({ gracefulShutdownTimeoutMs: config.shutdownDrainSeconds * 1000 }),
    }),
  ],
  controllers: [HealthController],
})
export class HealthModule {}
