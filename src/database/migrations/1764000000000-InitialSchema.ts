import { Table, TableIndex, TableForeignKey, type MigrationInterface, type QueryRunner } from 'typeorm';

const id = (name = 'id') => ({ name, type: 'varchar', length: '36', isPrimary: name === 'id' });
const ms = (name: string, isNullable = false) => ({ name, type: 'bigint', isNullable });

/** Written with the Table API so the same migration runs on SQLite and PostgreSQL. */
export class InitialSchema1764000000000 implements MigrationInterface {
  name = 'InitialSchema1764000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'clients',
        columns: [
          id(),
          { name: 'name', type: 'varchar', length: '200' },
          { name: 'audience', type: 'varchar', length: '200' },
          { name: 'scopes', type: 'text' },
          { name: 'is_public', type: 'boolean' },
          { name: 'secret_hash', type: 'varchar', length: '64', isNullable: true },
          ms('created_at'),
          ms('updated_at'),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'users',
        columns: [
          id(),
          { name: 'login_id', type: 'varchar', length: '320', isUnique: true },
          { name: 'password_hash', type: 'varchar', length: '255' },
          { name: 'roles', type: 'text' },
          { name: 'disabled', type: 'boolean', default: false },
          ms('created_at'),
          ms('updated_at'),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'refresh_token_families',
        columns: [
          id(),
          id('user_id'),
          id('client_id'),
          { name: 'scope', type: 'text' },
          { name: 'rotation', type: 'integer', default: 0 },
          ms('created_at'),
          ms('expires_at'),
          ms('last_used_at'),
          ms('revoked_at', true),
          { name: 'revoked_reason', type: 'varchar', length: '64', isNullable: true },
          { name: 'ip', type: 'varchar', length: '64', isNullable: true },
          { name: 'user_agent', type: 'varchar', length: '512', isNullable: true },
        ],
        indices: [
          new TableIndex({ name: 'idx_families_user', columnNames: ['user_id'] }),
          new TableIndex({ name: 'idx_families_client', columnNames: ['client_id'] }),
          new TableIndex({ name: 'idx_families_expires', columnNames: ['expires_at'] }),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'refresh_tokens',
        columns: [
          id(),
          id('family_id'),
          { name: 'token_hash', type: 'varchar', length: '64' },
          { name: 'generation', type: 'integer' },
          ms('issued_at'),
          ms('expires_at'),
          ms('consumed_at', true),
          { ...id('successor_id'), isNullable: true },
          { name: 'successor_sealed', type: 'text', isNullable: true },
          ms('grace_until', true),
        ],
        indices: [
          new TableIndex({ name: 'uq_refresh_tokens_hash', columnNames: ['token_hash'], isUnique: true }),
          new TableIndex({ name: 'idx_refresh_tokens_family', columnNames: ['family_id'] }),
          new TableIndex({ name: 'idx_refresh_tokens_grace', columnNames: ['grace_until'] }),
        ],
        foreignKeys: [
          new TableForeignKey({
            name: 'fk_refresh_tokens_family',
            columnNames: ['family_id'],
            referencedTableName: 'refresh_token_families',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          }),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'signing_keys',
        columns: [
          { name: 'kid', type: 'varchar', length: '64', isPrimary: true },
          { name: 'alg', type: 'varchar', length: '16' },
          { name: 'public_jwk', type: 'text' },
          { name: 'private_key_sealed', type: 'text' },
          ms('created_at'),
          ms('retired_at', true),
          ms('published_until', true),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'outbox_events',
        columns: [
          id(),
          { name: 'type', type: 'varchar', length: '64' },
          { name: 'payload', type: 'text' },
          ms('created_at'),
          ms('processed_at', true),
        ],
        indices: [
          new TableIndex({ name: 'idx_outbox_created', columnNames: ['created_at'] }),
          new TableIndex({ name: 'idx_outbox_processed', columnNames: ['processed_at'] }),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'settings',
        columns: [
          { name: 'key', type: 'varchar', length: '100', isPrimary: true },
          { name: 'value', type: 'text' },
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['settings', 'outbox_events', 'signing_keys', 'refresh_tokens', 'refresh_token_families', 'users', 'clients']) {
      await queryRunner.dropTable(table);
    }
  }
}
