import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { epochMs } from '../database/transformers.js';

/** One login: the chain of refresh tokens that rotation produces from it. */
@Entity({ name: 'refresh_token_families' })
export class RefreshTokenFamily {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Index('idx_families_user')
  @Column({ name: 'user_id', type: 'varchar', length: 36 })
  userId: string;

  @Index('idx_families_client')
  @Column({ name: 'client_id', type: 'varchar', length: 36 })
  clientId: string;

  /** Space-delimited scope granted at login; rotation never widens it. */
  @Column({ type: 'text' })
  scope: string;

  @Column({ type: 'integer', default: 0 })
  rotation: number;

  @Column({ name: 'created_at', type: 'bigint', transformer: epochMs })
  createdAt: number;

  /** Absolute lifetime: rotation does not extend it. */
  @Index('idx_families_expires')
  @Column({ name: 'expires_at', type: 'bigint', transformer: epochMs })
  expiresAt: number;

  @Column({ name: 'last_used_at', type: 'bigint', transformer: epochMs })
  lastUsedAt: number;

  @Index('idx_families_revoked')
  @Column({ name: 'revoked_at', type: 'bigint', nullable: true, transformer: epochMs })
  revokedAt: number | null;

  @Column({ name: 'revoked_reason', type: 'varchar', length: 64, nullable: true })
  revokedReason: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  ip: string | null;

  @Column({ name: 'user_agent', type: 'varchar', length: 512, nullable: true })
  userAgent: string | null;
}
