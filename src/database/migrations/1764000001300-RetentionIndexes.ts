import { TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * The periodic purges select ended rows by when they ended: revoked families by
 * `revoked_at` (expired ones use idx_families_expires) and ended deliveries by
 * `completed_at`. Without these indexes each batch was a scan of the whole table.
 */
export class RetentionIndexes1764000001300 implements MigrationInterface {
  name = 'RetentionIndexes1764000001300';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createIndex('refresh_token_families', new TableIndex({ name: 'idx_families_revoked', columnNames: ['revoked_at'] }));
    await queryRunner.createIndex('webhook_deliveries', new TableIndex({ name: 'idx_webhook_deliveries_completed', columnNames: ['completed_at'] }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('webhook_deliveries', 'idx_webhook_deliveries_completed');
    await queryRunner.dropIndex('refresh_token_families', 'idx_families_revoked');
  }
}
