/** How one webhook delivery attempt ended. */
export type WebhookAttemptOutcome = 'success' | 'http_error' | 'timeout' | 'network_error' | 'refused' | 'gone';

/**
 * Where the dispatcher reports what it does. The webhook module knows only this port; the
 * metrics module provides it under WEBHOOK_METRICS (a host application may leave it out).
 */
export interface WebhookMetrics {
  webhookAttempt(outcome: WebhookAttemptOutcome): void;
  /** Seconds from the event's commit to the 2xx that delivered it. */
  webhookDelivered(latencySeconds: number): void;
  /** Lets the pending-deliveries gauge be read at every scrape. */
  countPendingDeliveriesWith(source: () => Promise<number> | number): void;
}

export const WEBHOOK_METRICS = Symbol('WEBHOOK_METRICS');
