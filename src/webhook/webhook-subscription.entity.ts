import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { epochMs, jsonArray } from '../database/transformers.js';

/** Where and what to deliver. The signing secrets are sealed with the key-encryption key. */
@Entity({ name: 'webhook_subscriptions' })
export class WebhookSubscriptionEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  /** The client whose events it receives; null: an admin subscription for every client. */
  @Index('idx_webhook_subscriptions_client')
  @Column({ name: 'client_id', type: 'varchar', length: 36, nullable: true })
  clientId: string | null;

  @Column({ type: 'varchar', length: 2048 })
  url: string;

  @Column({ type: 'text', transformer: jsonArray })
  events: string[];

  @Column({ type: 'boolean' })
  enabled: boolean;

  @Column({ type: 'varchar', length: 500, nullable: true })
  description: string | null;

  @Column({ name: 'secret_sealed', type: 'text' })
  secretSealed: string;

  /** The secret before the last rotation, still signing until `previousSecretExpiresAt`. */
  @Column({ name: 'previous_secret_sealed', type: 'text', nullable: true })
  previousSecretSealed: string | null;

  @Column({ name: 'previous_secret_expires_at', type: 'bigint', nullable: true, transformer: epochMs })
  previousSecretExpiresAt: number | null;

  /** An admin subscription filtered to a client is not the client's to manage. */
  @Column({ name: 'created_by_admin', type: 'boolean' })
  createdByAdmin: boolean;

  @Column({ name: 'created_at', type: 'bigint', transformer: epochMs })
  createdAt: number;

  @Column({ name: 'updated_at', type: 'bigint', transformer: epochMs })
  updatedAt: number;
}
