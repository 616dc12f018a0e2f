import { Module } from '@nestjs/common';
import { AdminModule } from './admin/admin.module.js';
import { AuthModule } from './auth/auth.module.js';
import { DemoModule } from './demo/demo.module.js';
import { HealthModule } from './health/health.module.js';
import { InfrastructureModule } from './infrastructure.module.js';
import { LoggingModule } from './logging/logging.module.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { PortalModule } from './portal/portal.module.js';
import { WebhookModule } from './webhook/webhook.module.js';

@Module({
  imports: [
    InfrastructureModule,
    LoggingModule,
    MetricsModule,
    HealthModule,
    AuthModule,
    AdminModule,
    WebhookModule,
    DemoModule,
    PortalModule,
  ],
})
export class AppModule {}
