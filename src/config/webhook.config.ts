import { registerAs, type ConfigType } from '@nestjs/config';
import { ConfigError, EnvReader } from './env-reader.js';
import { readHelperThreadNice } from './helper-thread-nice.js';

export const DEFAULT_WEBHOOK_RETRY_SCHEDULE = [0, 5, 300, 1800, 7200, 18000, 36000, 36000];

export function readWebhookConfig(env: Record<string, string | undefined>) {
  const read = new EnvReader(env);
  const rawSchedule = read.list('WEBHOOK_RETRY_SCHEDULE', DEFAULT_WEBHOOK_RETRY_SCHEDULE.map(String));
  if (rawSchedule.length === 0 || rawSchedule.length > 30) {
    throw new ConfigError('WEBHOOK_RETRY_SCHEDULE', 'must list between 1 and 30 delays in seconds, e.g. "0,5,300"');
  }
  const retrySchedule = rawSchedule.map((item) => {
    if (!/^\d+$/.test(item) || Number(item) > 7 * 24 * 3600) {
      throw new ConfigError('WEBHOOK_RETRY_SCHEDULE', `must be comma-separated whole seconds up to 604800, got "${item}"`);
    }
    return Number(item);
  });
  return {
    production: read.string('NODE_ENV') === 'production',
    timeoutMs: read.int('WEBHOOK_TIMEOUT_MS', 10_000, { min: 100, max: 120_000 }),
    /** Seconds to wait before each attempt, the first included. */
    retrySchedule,
    /** Hosts exempt from the address and https rules (lower case, no port). */
    allowedHosts: read.list('WEBHOOK_ALLOWED_HOSTS').map((host) => host.toLowerCase().replace(/^\[|\]$/g, '').replace(/\.$/, '')),
    /** How often the dispatcher looks for due deliveries when nothing wakes it. */
    pollMs: read.int('WEBHOOK_POLL_MS', 1000, { min: 20, max: 60_000 }),
    /** How often committed events that missed their announcement are fanned out. */
    sweepMs: read.int('WEBHOOK_SWEEP_MS', 30_000, { min: 100, max: 3_600_000 }),
    /** Attempts in flight at once in one process. */
    concurrency: read.int('WEBHOOK_CONCURRENCY', 64, { min: 1, max: 256 }),
    senderThreadNice: readHelperThreadNice(read),
  };
}

export const webhookConfig = registerAs('webhook', () => readWebhookConfig(process.env));
export type WebhookConfig = ConfigType<typeof webhookConfig>;
