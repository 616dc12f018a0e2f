import { Table, TableColumn, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

const ms = (name: string, isNullable = false) => ({ name, type: 'bigint', isNullable });

/**
 * The integrator portal: one-time links and browser sessions (token hashes only), and the
 * request headers of every webhook attempt as sent, so the portal can show them.
 */
export class Portal1764000000800 implements MigrationInterface {
  name = 'Portal1764000000800';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const [table, extra] of [
      ['portal_links', [ms('used_at', true)]],
      ['portal_sessions', []],
    ] as const) {
      await queryRunner.createTable(
        new Table({
          name: table,
          columns: [
            { name: 'id', type: 'varchar', length: '36', isPrimary: true },
            { name: 'client_id', type: 'varchar', length: '36' },
            { name: 'token_hash', type: 'varchar', length: '64' },
            ms('expires_at'),
            ...extra,
            ms('created_at'),
          ],
          indices: [
            new TableIndex({ name: `uq_${table}_token_hash`, columnNames: ['token_hash'], isUnique: true }),
            new TableIndex({ name: `idx_${table}_expires`, columnNames: ['expires_at'] }),
          ],
        }),
      );
    }
    await queryRunner.addColumn('webhook_attempts', new TableColumn({ name: 'request_headers', type: 'text', isNullable: true }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('webhook_attempts', 'request_headers');
    await queryRunner.dropTable('portal_sessions');
    await queryRunner.dropTable('portal_links');
  }
}
