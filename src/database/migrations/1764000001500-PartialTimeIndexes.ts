import { TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Three time indexes that held a row for every token or event, though their queries only
 * ever look at some of them, become partial:
 *
 * - `idx_refresh_tokens_grace`: the grace sweep reads `grace_until <= ?`, so only rows
 *   inside a window (grace_until set). A new token no longer adds an entry for its NULL.
 * - `idx_outbox_processed`: the outbox purge reads processed events by `processed_at`, so
 *   only those; a new event adds no NULL entry.
 * - `idx_outbox_created` becomes `idx_outbox_unprocessed`: the sweeper reads unprocessed
 *   events, oldest first. It held every event the outbox keeps (an hour's), and each
 *   event now leaves it when it is taken over.
 *
 * Fewer index entries per rotation, and fewer pages written at each commit; the indexes stay
 * small however many tokens and events are stored.
 */
export class PartialTimeIndexes1764000001500 implements MigrationInterface {
  name = 'PartialTimeIndexes1764000001500';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('refresh_tokens', 'idx_refresh_tokens_grace');
    await queryRunner.createIndex(
      'refresh_tokens',
      new TableIndex({ name: 'idx_refresh_tokens_grace', columnNames: ['grace_until'], where: 'grace_until IS NOT NULL' }),
    );
    await queryRunner.dropIndex('outbox_events', 'idx_outbox_processed');
    await queryRunner.createIndex(
      'outbox_events',
      new TableIndex({ name: 'idx_outbox_processed', columnNames: ['processed_at'], where: 'processed_at IS NOT NULL' }),
    );
    await queryRunner.dropIndex('outbox_events', 'idx_outbox_created');
    await queryRunner.createIndex(
      'outbox_events',
      new TableIndex({ name: 'idx_outbox_unprocessed', columnNames: ['created_at'], where: 'processed_at IS NULL' }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('outbox_events', 'idx_outbox_unprocessed');
    await queryRunner.createIndex('outbox_events', new TableIndex({ name: 'idx_outbox_created', columnNames: ['created_at'] }));
    await queryRunner.dropIndex('outbox_events', 'idx_outbox_processed');
    await queryRunner.createIndex('outbox_events', new TableIndex({ name: 'idx_outbox_processed', columnNames: ['processed_at'] }));
    await queryRunner.dropIndex('refresh_tokens', 'idx_refresh_tokens_grace');
    await queryRunner.createIndex('refresh_tokens', new TableIndex({ name: 'idx_refresh_tokens_grace', columnNames: ['grace_until'] }));
  }
}
