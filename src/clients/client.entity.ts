import { Column, Entity, PrimaryColumn } from 'typeorm';
import { epochMs, jsonArray } from '../database/transformers.js';

@Entity({ name: 'clients' })
export class Client {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Column({ type: 'varchar', length: 200 })
  audience: string;

  @Column({ type: 'text', transformer: jsonArray })
  scopes: string[];

  @Column({ name: 'is_public', type: 'boolean' })
  isPublic: boolean;

  /** SHA-256 of the secret; null for public clients. */
  @Column({ name: 'secret_hash', type: 'varchar', length: 64, nullable: true })
  secretHash: string | null;

  @Column({ name: 'created_at', type: 'bigint', transformer: epochMs })
  createdAt: number;

  @Column({ name: 'updated_at', type: 'bigint', transformer: epochMs })
  updatedAt: number;
}
