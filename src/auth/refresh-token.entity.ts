import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { epochMs } from '../database/transformers.js';

/** One refresh token of a family. Only its SHA-256 is stored, after its issue time (refreshTokenKey()). */
@Entity({ name: 'refresh_tokens' })
// Partial: only the rows keeping a successor (inside a grace window), by family, then successor.
// Each rotation wipes its predecessor's kept copy, and revoking a family wipes them all.
@Index('idx_refresh_tokens_kept_successor', ['familyId', 'successorId'], { where: 'successor_sealed IS NOT NULL' })
export class RefreshToken {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  /**
   * Indexed for first tokens only: the rest of a family's tokens are found along its chain
   * (`successor_id`), and the purge of an ended family removes them with it. No foreign key:
   * its cascade needed an index of every token by family, one more page per rotation.
   */
  @Index('idx_refresh_tokens_family_first', { where: 'generation = 0' })
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

  @Column({ name: 'successor_id', type: 'varchar', length: 36, nullable: true })
  successorId: string | null;

  /** The successor token, encrypted, kept only for the grace window. */
  @Column({ name: 'successor_sealed', type: 'text', nullable: true })
  successorSealed: string | null;

  /** Partial: only rows inside a grace window, which the grace sweep reads by when it ends. */
  @Index('idx_refresh_tokens_grace', { where: 'grace_until IS NOT NULL' })
  @Column({ name: 'grace_until', type: 'bigint', nullable: true, transformer: epochMs })
  graceUntil: number | null;
}
