import { ConfigError } from './env-reader.js';
import { validateEnvironment } from './index.js';
import { readRetentionConfig } from './retention.config.js';

const DAY = 24 * 60 * 60;

describe('retention configuration', () => {
  it('keeps ended families and deliveries RETENTION_DAYS, processed outbox events an hour', () => {
    expect(readRetentionConfig({})).toEqual({
      retentionDays: 30,
      familySeconds: 30 * DAY,
      webhookDeliverySeconds: 30 * DAY,
      outboxSeconds: 3600,
      intervalSeconds: 300,
      batchSize: 500,
    });
    expect(readRetentionConfig({ RETENTION_DAYS: '7' })).toMatchObject({ familySeconds: 7 * DAY, webhookDeliverySeconds: 7 * DAY });
  });

  it('reads each variable in seconds', () => {
    const config = readRetentionConfig({
      FAMILY_RETENTION_SECONDS: '5',
      WEBHOOK_DELIVERY_RETENTION_SECONDS: '6',
      OUTBOX_RETENTION_SECONDS: '0',
      RETENTION_INTERVAL_SECONDS: '2',
      RETENTION_BATCH_SIZE: '50',
    });
    expect(config).toMatchObject({ familySeconds: 5, webhookDeliverySeconds: 6, outboxSeconds: 0, intervalSeconds: 2, batchSize: 50 });
  });

  it.each([
    ['RETENTION_BATCH_SIZE', '0'],
    ['RETENTION_BATCH_SIZE', 'lots'],
    ['RETENTION_INTERVAL_SECONDS', '0'],
    ['FAMILY_RETENTION_SECONDS', '-1'],
    ['WEBHOOK_DELIVERY_RETENTION_SECONDS', '1.5'],
    ['OUTBOX_RETENTION_SECONDS', 'an hour'],
  ])('stops the start on %s=%s, naming the variable', (name, value) => {
    expect(() => validateEnvironment({ [name]: value })).toThrow(ConfigError);
    expect(() => validateEnvironment({ [name]: value })).toThrow(new RegExp(`^${name} `));
  });

  it('refuses retention under a minute in production', () => {
    const production = { NODE_ENV: 'production', ADMIN_API_KEY: 'a'.repeat(32), KEY_ENCRYPTION_KEY: 'k'.repeat(32) };
    expect(() => validateEnvironment({ ...production, FAMILY_RETENTION_SECONDS: '1' })).toThrow(/^FAMILY_RETENTION_SECONDS /);
    expect(readRetentionConfig({ ...production, WEBHOOK_DELIVERY_RETENTION_SECONDS: '60' }).webhookDeliverySeconds).toBe(60);
  });
});
