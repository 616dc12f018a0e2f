import { registerAs, type ConfigType } from '@nestjs/config';
import { EnvReader } from './env-reader.js';

const DAY = 24 * 60 * 60;

/** How long ended rows are kept, and how the periodic purge removes them. Seconds throughout. */
export function readRetentionConfig(env: Record<string, string | undefined>) {
  const read = new EnvReader(env);
  const production = read.string('NODE_ENV') === 'production';
  const floor = production ? 60 : 1;
  const retentionDays = read.int('RETENTION_DAYS', 30, { min: 1, max: 3650 });
  const fallback = retentionDays * DAY;
  return {
    retentionDays,
    /** Revoked or expired families (and their tokens), counted from the end. */
    familySeconds: read.int('FAMILY_RETENTION_SECONDS', fallback, { min: floor, max: 3650 * DAY }),
    /** Succeeded or failed webhook deliveries (and their attempts), counted from completion. */
    webhookDeliverySeconds: read.int('WEBHOOK_DELIVERY_RETENTION_SECONDS', fallback, { min: floor, max: 3650 * DAY }),
    /** Outbox events that every consumer has taken over (fanned out to deliveries). */
    outboxSeconds: read.int('OUTBOX_RETENTION_SECONDS', 3600, { min: 0, max: 3650 * DAY }),
    /** How often each purge runs. */
    intervalSeconds: read.int('RETENTION_INTERVAL_SECONDS', 300, { min: 1, max: DAY }),
    /** Rows per DELETE statement; each batch is its own short transaction. */
    batchSize: read.int('RETENTION_BATCH_SIZE', 500, { min: 1, max: 10_000 }),
  };
}

export const retentionConfig = registerAs('retention', () => readRetentionConfig(process.env));
export type RetentionConfig = ConfigType<typeof retentionConfig>;
