import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { AdminModule } from './admin/admin.module.js';
import { AuthModule } from './auth/auth.module.js';
import { OAuthLifecycleModule } from './auth/oauth/oauth-lifecycle.module.js';
import { CommonModule } from './common/common.module.js';
import { CryptoModule } from './common/crypto/crypto.module.js';
import { configSections } from './config/index.js';
import { DatabaseModule } from './database/database.module.js';
import { DemoModule } from './demo/demo.module.js';
import { OutboxModule } from './outbox/outbox.module.js';
import { WebhookModule } from './webhook/webhook.module.js';
import { LoggingModule } from './logging/logging.module.js';
import { RateLimitModule } from './rate-limit/rate-limit.module.js';

@Module({
  imports: [
    ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, load: configSections }),
    EventEmitterModule.forRoot({ wildcard: false }),
    LoggingModule,
    CommonModule,
    DatabaseModule,
    CryptoModule,
    OutboxModule,
    AuthModule,
    AdminModule,
    DemoModule,
    WebhookModule,
    RateLimitModule,
    OAuthLifecycleModule,
  ],
})
export class AppModule {}
