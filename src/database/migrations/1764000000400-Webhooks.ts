import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

const id = (name = 'id') => ({ name, type: 'varchar', length: '36', isPrimary: name === 'id' });
const ms = (name: string, isNullable = false) => ({ name, type: 'bigint', isNullable });

/**
 * Webhook subscriptions, their deliveries (one per subscription and event) and every attempt.
 * No foreign keys: deleting a subscription deletes its deliveries and attempts explicitly.
 */
export class Webhooks1764000000400 implements MigrationInterface {
  name = 'Webhooks1764000000400';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'webhook_subscriptions',
        columns: [
          id(),
          // NULL: an admin subscription without a client filter (it receives every client's events).
          { ...id('client_id'), isNullable: true },
          { name: 'url', type: 'varchar', length: '2048' },
          { name: 'events', type: 'text' },
          { name: 'enabled', type: 'boolean' },
          { name: 'description', type: 'varchar', length: '500', isNullable: true },
          { name: 'secret_sealed', type: 'text' },
          { name: 'previous_secret_sealed', type: 'text', isNullable: true },
          ms('previous_secret_expires_at', true),
          { name: 'created_by_admin', type: 'boolean' },
          ms('created_at'),
          ms('updated_at'),
        ],
        indices: [new TableIndex({ name: 'idx_webhook_subscriptions_client', columnNames: ['client_id'] })],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'webhook_deliveries',
        columns: [
          id(),
          id('subscription_id'),
          id('event_id'),
          { name: 'event_type', type: 'varchar', length: '64' },
          { name: 'payload', type: 'text' },
          ms('occurred_at'),
          { name: 'status', type: 'varchar', length: '16' },
          { name: 'attempts', type: 'integer', default: 0 },
          ms('next_attempt_at', true),
          ms('lease_until', true),
          { name: 'last_status_code', type: 'integer', isNullable: true },
          { name: 'last_error', type: 'varchar', length: '500', isNullable: true },
          { name: 'last_duration_ms', type: 'integer', isNullable: true },
          ms('created_at'),
          ms('completed_at', true),
        ],
        indices: [
          new TableIndex({ name: 'uq_webhook_deliveries_event', columnNames: ['subscription_id', 'event_id'], isUnique: true }),
          new TableIndex({ name: 'idx_webhook_deliveries_due', columnNames: ['status', 'next_attempt_at'] }),
          new TableIndex({ name: 'idx_webhook_deliveries_created', columnNames: ['created_at'] }),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'webhook_attempts',
        columns: [
          id(),
          id('delivery_id'),
          { name: 'attempt', type: 'integer' },
          ms('attempted_at'),
          { name: 'status_code', type: 'integer', isNullable: true },
          { name: 'duration_ms', type: 'integer' },
          { name: 'error', type: 'varchar', length: '500', isNullable: true },
          { name: 'response_body', type: 'text', isNullable: true },
          ms('next_retry_at', true),
        ],
        indices: [new TableIndex({ name: 'idx_webhook_attempts_delivery', columnNames: ['delivery_id', 'attempt'] })],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['webhook_attempts', 'webhook_deliveries', 'webhook_subscriptions']) {
      await queryRunner.dropTable(table);
    }
  }
}
