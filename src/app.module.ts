import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { AdminModule } from './admin/admin.module.js';
import { AuthModule } from './auth/auth.module.js';
import { CommonModule } from './common/common.module.js';
import { CryptoModule } from './common/crypto/crypto.module.js';
import { configSections } from './config/index.js';
import { DatabaseModule } from './database/database.module.js';
import { HealthModule } from './health/health.module.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { OutboxModule } from './outbox/outbox.module.js';
import { RateLimitStorageModule } from './throttling/rate-limit-storage.module.js';

@Module({
  imports: [
    ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, load: configSections }),
    EventEmitterModule.forRoot({ wildcard: false }),
    CommonModule,
    DatabaseModule,
    CryptoModule,
    OutboxModule,
    AuthModule,
    AdminModule,
    MetricsModule,
    HealthModule,
    RateLimitStorageModule,
  ],
})
export class AppModule {}
