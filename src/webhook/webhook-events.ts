import { TokenEvents } from '../auth/events/token-events.js';

/** Events a subscription may ask for. */
export const SUBSCRIBABLE_EVENTS: readonly string[] = Object.values(TokenEvents);
export const DEFAULT_SUBSCRIPTION_EVENTS = [TokenEvents.Refreshed];
/** Sent by `POST /api/webhooks/:id/test`, whatever the subscription asked for. */
export const WEBHOOK_TEST_EVENT = 'webhook.test';

/** The fields a token event may carry to a receiver: ids and facts, never a token or secret. */
const DELIVERED_FIELDS = [
  'userId',
  'clientId',
  'familyId',
  'rotation',
  'accessTokenJti',
  'accessTokenExpiresAt',
  'scope',
  'ip',
  'userAgent',
  'replay',
  'reason',
] as const;

/** The `data` of a webhook body: the documented fields only, whatever else the event held. */
export function webhookData(eventData: unknown): Record<string, unknown> {
  const source = (eventData ?? {}) as Record<string, unknown>;
  const data: Record<string, unknown> = {};
  for (const field of DELIVERED_FIELDS) {
    if (source[field] !== undefined) data[field] = source[field];
  }
  return data;
}
