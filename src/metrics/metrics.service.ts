import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { RefreshMetrics, RefreshOutcome } from '../auth/refresh-metrics.js';
import type { WebhookAttemptOutcome, WebhookMetrics } from '../webhook/webhook-metrics.js';
import type { DatabaseFaultCause } from '../database/database-fault.js';
import type { DatabaseFaultMetrics } from '../database/database-health.js';
import type { RateLimitMetrics } from '../rate-limit/rate-limit-metrics.js';

/**
 * The service's Prometheus metrics, on one registry per process. Producers call the methods
 * below; nothing else touches prom-client.
 */
@Injectable()
export class MetricsService implements RefreshMetrics, WebhookMetrics, DatabaseFaultMetrics, RateLimitMetrics {
  private readonly refreshes: Counter<'outcome'>;
  private readonly reuseDetections: Counter;
  private readonly graceReplays: Counter;
  private readonly webhookAttempts: Counter<'outcome'>;
  private readonly webhookLatency: Histogram;
  private readonly pendingDeliveries: Gauge;
  private pendingSource?: () => Promise<number> | number;
  private readonly databaseFaults: Counter<'cause'>;
  private readonly rateLimitDegraded: Gauge;

  constructor(readonly registry: Registry) {
    collectDefaultMetrics({ register: registry });
    this.refreshes = new Counter({
      name: 'refresh_total',
      help: 'Refresh attempts by outcome (success, replay, reuse, invalid, invalid_scope, error)',
      labelNames: ['outcome'],
      registers: [registry],
    });
    this.reuseDetections = new Counter({
      name: 'refresh_reuse_detections_total',
      help: 'Refresh-token families revoked because a consumed token was presented again',
      registers: [registry],
    });
    this.graceReplays = new Counter({
      name: 'refresh_grace_replays_total',
      help: 'Refreshes answered from the grace window with the already issued successor',
      registers: [registry],
    });
    this.webhookAttempts = new Counter({
      name: 'webhook_attempts_total',
      help: 'Webhook delivery attempts by outcome',
      labelNames: ['outcome'],
      registers: [registry],
    });
    this.webhookLatency = new Histogram({
      name: 'webhook_delivery_latency_seconds',
      help: 'Time from an event being committed to its successful delivery',
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800, 7200],
      registers: [registry],
    });
    const service = this;
    this.pendingDeliveries = new Gauge({
      name: 'webhook_pending_deliveries',
      help: 'Webhook deliveries waiting for their next attempt',
      registers: [registry],
      async collect() {
        if (!service.pendingSource) return;
        try {
          this.set(await service.pendingSource());
        } catch {
          // A failing count must not fail the whole scrape: the gauge keeps its last value.
        }
      },
    });
    for (const outcome of ['success', 'replay', 'reuse', 'invalid'] as const) this.refreshes.inc({ outcome }, 0);
    this.databaseFaults = new Counter({
      name: 'database_faults_total',
      help: 'Requests answered 503 because the database was unavailable, timed out, out of space, read-only or failing I/O, by cause',
      labelNames: ['cause'],
      registers: [registry],
    });
    for (const cause of ['unavailable', 'timeout', 'out_of_space', 'read_only', 'io_error'] as const) this.databaseFaults.inc({ cause }, 0);
    this.rateLimitDegraded = new Gauge({
      name: 'rate_limit_storage_degraded',
      help: '1 while the shared rate-limit storage (Redis) is unreachable and this process limits in memory, else 0',
      registers: [registry],
    });
    this.rateLimitDegraded.set(0);
  }

  databaseFault(cause: DatabaseFaultCause): void {
    this.databaseFaults.inc({ cause });
  }

  rateLimitStorageDegraded(degraded: boolean): void {
    this.rateLimitDegraded.set(degraded ? 1 : 0);
  }

  refreshOutcome(outcome: RefreshOutcome): void {
    this.refreshes.inc({ outcome });
    if (outcome === 'replay') this.graceReplays.inc();
  }

  reuseDetected(): void {
    this.reuseDetections.inc();
  }

  webhookAttempt(outcome: WebhookAttemptOutcome): void {
    this.webhookAttempts.inc({ outcome });
  }

  /** Seconds from the event's commit to the 2xx that delivered it. */
  webhookDelivered(latencySeconds: number): void {
    this.webhookLatency.observe(latencySeconds);
  }

  setPendingDeliveries(count: number): void {
    this.pendingDeliveries.set(count);
  }

  /** Lets the dispatcher have the gauge read at every scrape instead of pushing it. */
  countPendingDeliveriesWith(source: () => Promise<number> | number): void {
    this.pendingSource = source;
  }

  contentType(): string {
    return this.registry.contentType;
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }
}
