import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { epochMs } from '../database/transformers.js';

/** One HTTP attempt of a delivery, as the delivery log shows it. */
@Entity({ name: 'webhook_attempts' })
@Index('idx_webhook_attempts_delivery', ['deliveryId', 'attempt'])
export class WebhookAttemptEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ name: 'delivery_id', type: 'varchar', length: 36 })
  deliveryId: string;

  @Column({ type: 'integer' })
  attempt: number;

  @Column({ name: 'attempted_at', type: 'bigint', transformer: epochMs })
  attemptedAt: number;

  @Column({ name: 'status_code', type: 'integer', nullable: true })
  statusCode: number | null;

  @Column({ name: 'duration_ms', type: 'integer' })
  durationMs: number;

  @Column({ type: 'varchar', length: 500, nullable: true })
  error: string | null;

  /** The first 2 KB of the receiver's answer. */
  @Column({ name: 'response_body', type: 'text', nullable: true })
  responseBody: string | null;

  /** JSON of the request headers as sent, signature included. */
  @Column({ name: 'request_headers', type: 'text', nullable: true })
  requestHeaders: string | null;

  @Column({ name: 'next_retry_at', type: 'bigint', nullable: true, transformer: epochMs })
  nextRetryAt: number | null;
}
