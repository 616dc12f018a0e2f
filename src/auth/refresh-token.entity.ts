import { Column, Entity, ForeignKey, Index, PrimaryColumn } from 'typeorm';
import { epochMs } from '../database/transformers.js';
import { RefreshTokenFamily } from './refresh-token-family.entity.js';

/** One refresh token of a family. Only its SHA-256 is stored, after its issue time (refreshTokenKey()). */
@Entity({ name: 'refresh_tokens' })
export class RefreshToken {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  /** A family's tokens go with it (ON DELETE CASCADE). */
  @Index('idx_refresh_tokens_family')
  @ForeignKey(() => RefreshTokenFamily, { name: 'fk_refresh_tokens_family', onDelete: 'CASCADE' })
  @Column({ name: 'family_id', type: 'varchar', length: 36 })
  familyId: string;

  /** refreshTokenKey(): the token's issue time, then its SHA-256 (or the SHA-256 alone, for the earlier form). */
  @Index('uq_refresh_tokens_hash', { unique: true })
  @Column({ name: 'token_hash', type: 'varchar', length: 64 })
  tokenHash: string;

  /** Position in the family: 0 for the token issued at login. */
  @Column({ type: 'integer' })
  generation: number;

  @Column({ name: 'issued_at', type: 'bigint', transformer: epochMs })
  issuedAt: number;

  /** Idle expiry, capped at the family's absolute expiry. */
  @Column({ name: 'expires_at', type: 'bigint', transformer: epochMs })
  expiresAt: number;

  @Column({ name: 'consumed_at', type: 'bigint', nullable: true, transformer: epochMs })
  consumedAt: number | null;

  /** Partial: only rows inside a grace window, which each rotation looks up to wipe. */
  @Index('idx_refresh_tokens_sealed_successor', { where: 'successor_sealed IS NOT NULL' })
  @Column({ name: 'successor_id', type: 'varchar', length: 36, nullable: true })
  successorId: string | null;

  /** The successor token, encrypted, kept only for the grace window. */
  @Column({ name: 'successor_sealed', type: 'text', nullable: true })
  successorSealed: string | null;

  @Index('idx_refresh_tokens_grace')
  @Column({ name: 'grace_until', type: 'bigint', nullable: true, transformer: epochMs })
  graceUntil: number | null;
}
