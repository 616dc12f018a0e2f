import { Column, Entity, PrimaryColumn } from 'typeorm';
import { epochMs, jsonArray } from '../database/transformers.js';

@Entity({ name: 'users' })
export class User {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ name: 'login_id', type: 'varchar', length: 320, unique: true })
  loginId: string;

  @Column({ name: 'password_hash', type: 'varchar', length: 255 })
  passwordHash: string;

  @Column({ type: 'text', transformer: jsonArray })
  roles: string[];

  // The SQL literal the migration wrote: TypeORM spells a JS `false` as 0 on SQLite, which its
  // schema diff would then report as a changed default.
  @Column({ type: 'boolean', default: () => 'false' })
  disabled: boolean;

  @Column({ name: 'created_at', type: 'bigint', transformer: epochMs })
  createdAt: number;

  @Column({ name: 'updated_at', type: 'bigint', transformer: epochMs })
  updatedAt: number;
}
