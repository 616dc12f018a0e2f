import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { OutboxEvent } from './outbox-event.entity.js';
import { OutboxConsumers } from './outbox.consumers.js';
import { OutboxReader } from './outbox.reader.js';
import { OutboxRelay } from './outbox.relay.js';
import { OutboxRetention } from './outbox.retention.js';
import { OutboxWriter } from './outbox.writer.js';

/**
 * The event outbox owns its table: producers record events with the OutboxWriter (which
 * announces them after commit), consumers register with OutboxConsumers and read them with
 * the OutboxReader.
 */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([OutboxEvent])],
  providers: [OutboxWriter, OutboxReader, OutboxConsumers, OutboxRelay, OutboxRetention],
  exports: [OutboxWriter, OutboxReader, OutboxConsumers],
})
export class OutboxModule {}
