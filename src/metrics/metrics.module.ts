import { Global, Module } from '@nestjs/common';
import { Registry } from 'prom-client';
import { REFRESH_METRICS } from '../auth/refresh-metrics.js';
import { WEBHOOK_METRICS } from '../webhook/webhook-metrics.js';
import { DATABASE_FAULT_METRICS } from '../database/database-health.js';
import { RATE_LIMIT_METRICS } from '../rate-limit/rate-limit-metrics.js';
import { MetricsController } from './metrics.controller.js';
import { MetricsService } from './metrics.service.js';

/** One registry per application instance, so test apps in one process do not share counters. */
@Global()
@Module({
  controllers: [MetricsController],
  providers: [
    { provide: Registry, useFactory: () => new Registry() },
    MetricsService,
    { provide: REFRESH_METRICS, useExisting: MetricsService },
    { provide: WEBHOOK_METRICS, useExisting: MetricsService },
    { provide: DATABASE_FAULT_METRICS, useExisting: MetricsService },
    { provide: RATE_LIMIT_METRICS, useExisting: MetricsService },
  ],
  exports: [Registry, MetricsService, REFRESH_METRICS, WEBHOOK_METRICS, DATABASE_FAULT_METRICS, RATE_LIMIT_METRICS],
})
export class MetricsModule {}
