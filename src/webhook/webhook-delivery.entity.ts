import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { epochMs } from '../database/transformers.js';

/** One event for one subscription, from first attempt to success or exhaustion. */
@Entity({ name: 'webhook_deliveries' })
@Index('uq_webhook_deliveries_event', ['subscriptionId', 'eventId'], { unique: true })
@Index('idx_webhook_deliveries_due', ['status', 'nextAttemptAt'])
export class WebhookDeliveryEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ name: 'subscription_id', type: 'varchar', length: 36 })
  subscriptionId: string;

  /** The outbox event id, sent as `webhook-id` on every attempt. */
  @Column({ name: 'event_id', type: 'varchar', length: 36 })
  eventId: string;

  @Column({ name: 'event_type', type: 'varchar', length: 64 })
  eventType: string;

  /** JSON of the body's `data`: ids only. */
  @Column({ type: 'text' })
  payload: string;

  @Column({ name: 'occurred_at', type: 'bigint', transformer: epochMs })
  occurredAt: number;

  @Column({ type: 'varchar', length: 16 })
  status: 'pending' | 'succeeded' | 'failed';

  @Column({ type: 'integer', default: 0 })
  attempts: number;

  @Column({ name: 'next_attempt_at', type: 'bigint', nullable: true, transformer: epochMs })
  nextAttemptAt: number | null;

  /** Held by the process sending an attempt; a dead process's lease just expires. */
  @Column({ name: 'lease_until', type: 'bigint', nullable: true, transformer: epochMs })
  leaseUntil: number | null;

  @Column({ name: 'last_status_code', type: 'integer', nullable: true })
  lastStatusCode: number | null;

  @Column({ name: 'last_error', type: 'varchar', length: 500, nullable: true })
  lastError: string | null;

  @Column({ name: 'last_duration_ms', type: 'integer', nullable: true })
  lastDurationMs: number | null;

  @Index('idx_webhook_deliveries_created')
  @Column({ name: 'created_at', type: 'bigint', transformer: epochMs })
  createdAt: number;

  @Index('idx_webhook_deliveries_completed')
  @Column({ name: 'completed_at', type: 'bigint', nullable: true, transformer: epochMs })
  completedAt: number | null;
}
