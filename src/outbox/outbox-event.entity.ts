import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { epochMs } from '../database/transformers.js';

/** An event written in the same transaction as the change that caused it. */
@Entity({ name: 'outbox_events' })
export class OutboxEvent {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'varchar', length: 64 })
  type: string;

  /** JSON of the event's data. Ids only: never a token or a secret. */
  @Column({ type: 'text' })
  payload: string;

  /** Partial: the events not yet taken over, which the sweeper reads oldest first. */
  @Index('idx_outbox_unprocessed', { where: 'processed_at IS NULL' })
  @Column({ name: 'created_at', type: 'bigint', transformer: epochMs })
  createdAt: number;

  /** Set once every consumer has taken the event over (the webhook fan-out). Indexed for the purge, processed events only. */
  @Index('idx_outbox_processed', { where: 'processed_at IS NOT NULL' })
  @Column({ name: 'processed_at', type: 'bigint', nullable: true, transformer: epochMs })
  processedAt: number | null;
}
