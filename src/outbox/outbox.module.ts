import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { OutboxEvent } from './outbox-event.entity.js';
import { OutboxRelay } from './outbox.relay.js';
import { OutboxRetention } from './outbox.retention.js';
import { OutboxWriter } from './outbox.writer.js';

@Global()
@Module({
  imports: [TypeOrmModule.forFeature([OutboxEvent])],
  providers: [OutboxWriter, OutboxRelay, OutboxRetention],
  exports: [OutboxWriter, OutboxRelay],
})
export class OutboxModule {}
