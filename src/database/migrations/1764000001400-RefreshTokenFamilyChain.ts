import { TableForeignKey, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Every rotation inserted a row into the index of all tokens by family, and since a family's
 * entries sit together, on a page of its own: a page no other rotation of the commit shared,
 * written to the WAL (SQLite) at every commit. At C=32 that index was 39 % of the pages each
 * group commit wrote. What needs a family's tokens is rare (revoking it, purging it once
 * ended), so the index goes, and with it the foreign key whose cascade needed it:
 *
 * - a family's tokens form one chain, from its first token through `successor_id` (a token
 *   is only ever inserted as a family's first, or as the successor its predecessor names in
 *   the same transaction), so the purge finds them from the first: an index of first tokens
 *   only (`generation = 0`), written at login, not at rotation;
 * - revoking a family wipes its kept successors: an index of the rows that keep one (those
 *   inside a grace window, a few per family at most) by family, then successor, which also
 *   serves the wipe of a predecessor's kept copy at each rotation.
 *
 * On SQLite dropping the foreign key rebuilds the table (TypeORM copies it), once.
 */
export class RefreshTokenFamilyChain1764000001400 implements MigrationInterface {
  name = 'RefreshTokenFamilyChain1764000001400';

  async up(queryRunner: QueryRunner): Promise<void> {
    // Indexes first, so the SQLite rebuild has fewer to build again.
    await queryRunner.dropIndex('refresh_tokens', 'idx_refresh_tokens_family');
    await queryRunner.dropIndex('refresh_tokens', 'idx_refresh_tokens_sealed_successor');
    await queryRunner.dropForeignKey('refresh_tokens', 'fk_refresh_tokens_family');
    await queryRunner.createIndex(
      'refresh_tokens',
      new TableIndex({ name: 'idx_refresh_tokens_family_first', columnNames: ['family_id'], where: 'generation = 0' }),
    );
    await queryRunner.createIndex(
      'refresh_tokens',
      new TableIndex({ name: 'idx_refresh_tokens_kept_successor', columnNames: ['family_id', 'successor_id'], where: 'successor_sealed IS NOT NULL' }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('refresh_tokens', 'idx_refresh_tokens_kept_successor');
    await queryRunner.dropIndex('refresh_tokens', 'idx_refresh_tokens_family_first');
    await queryRunner.createForeignKey(
      'refresh_tokens',
      new TableForeignKey({
        name: 'fk_refresh_tokens_family',
        columnNames: ['family_id'],
        referencedTableName: 'refresh_token_families',
        referencedColumnNames: ['id'],
        onDelete: 'CASCADE',
      }),
    );
    await queryRunner.createIndex(
      'refresh_tokens',
      new TableIndex({ name: 'idx_refresh_tokens_sealed_successor', columnNames: ['successor_id'], where: 'successor_sealed IS NOT NULL' }),
    );
    await queryRunner.createIndex('refresh_tokens', new TableIndex({ name: 'idx_refresh_tokens_family', columnNames: ['family_id'] }));
  }
}
