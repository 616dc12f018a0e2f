import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { CommonModule } from './common/common.module.js';
import { CryptoModule } from './common/crypto/crypto.module.js';
import { configSections } from './config/index.js';
import { DatabaseModule } from './database/database.module.js';
import { OutboxModule } from './outbox/outbox.module.js';
import { RateLimitModule } from './rate-limit/rate-limit.module.js';

/**
 * What every feature module stands on: configuration, the event emitter, the database,
 * encryption at rest, the outbox and the rate limiter (all global). Shared by AppModule,
 * AuthModule.forRootAsync() for host applications, and the unit specs.
 */
@Module({
  imports: [
    ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, load: configSections }),
    EventEmitterModule.forRoot({ wildcard: false }),
    CommonModule,
    DatabaseModule,
    CryptoModule,
    OutboxModule,
    RateLimitModule,
  ],
})
export class InfrastructureModule {}
