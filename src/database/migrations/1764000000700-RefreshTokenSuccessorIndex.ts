import { TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Every rotation wipes the sealed successor its predecessor kept for the grace window
 * (`WHERE successor_id = ? AND successor_sealed IS NOT NULL`). Without an index that was a
 * scan of the whole refresh_tokens table, which only grows (consumed hashes are kept for
 * reuse detection), so each refresh got slower than the last. The index is partial: only
 * rows still holding a sealed successor (those inside a grace window) are in it.
 */
export class RefreshTokenSuccessorIndex1764000000700 implements MigrationInterface {
  name = 'RefreshTokenSuccessorIndex1764000000700';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createIndex(
      'refresh_tokens',
      new TableIndex({ name: 'idx_refresh_tokens_sealed_successor', columnNames: ['successor_id'], where: 'successor_sealed IS NOT NULL' }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('refresh_tokens', 'idx_refresh_tokens_sealed_successor');
  }
}
