import { Registry } from 'prom-client';
import { MetricsService } from './metrics.service.js';

describe('MetricsService', () => {
  const value = async (metrics: MetricsService, name: string, labels: Record<string, string> = {}) => {
    const metric = await metrics.registry.getSingleMetric(name)!.get();
    return metric.values.find((entry) => Object.entries(labels).every(([key, label]) => entry.labels[key] === label))?.value;
  };

  it('counts webhook attempts by outcome and observes delivery latency', async () => {
    const metrics = new MetricsService(new Registry());
    metrics.webhookAttempt('success');
    metrics.webhookAttempt('success');
    metrics.webhookAttempt('timeout');
    metrics.webhookDelivered(0.2);
    expect(await value(metrics, 'webhook_attempts_total', { outcome: 'success' })).toBe(2);
    expect(await value(metrics, 'webhook_attempts_total', { outcome: 'timeout' })).toBe(1);
    const text = await metrics.render();
    expect(text).toContain('webhook_delivery_latency_seconds_bucket{le="0.25"} 1');
    expect(text).toContain('webhook_delivery_latency_seconds_count 1');
  });

  it('reads pending deliveries at scrape time, keeping the last value when the count fails', async () => {
    const metrics = new MetricsService(new Registry());
    let pending: number | Error = 7;
    metrics.countPendingDeliveriesWith(async () => {
      if (pending instanceof Error) throw pending;
      return pending;
    });
    expect(await metrics.render()).toContain('webhook_pending_deliveries 7');
    pending = new Error('database down');
    expect(await metrics.render()).toContain('webhook_pending_deliveries 7');
    metrics.setPendingDeliveries(3);
    pending = 3;
    expect(await metrics.render()).toContain('webhook_pending_deliveries 3');
  });

  it('counts grace replays with the replay outcome, and keeps registries apart', async () => {
    const a = new MetricsService(new Registry());
    const b = new MetricsService(new Registry());
    a.refreshOutcome('replay');
    a.reuseDetected();
    expect(await value(a, 'refresh_total', { outcome: 'replay' })).toBe(1);
    expect(await value(a, 'refresh_grace_replays_total')).toBe(1);
    expect(await value(a, 'refresh_reuse_detections_total')).toBe(1);
    expect(await value(b, 'refresh_total', { outcome: 'replay' })).toBe(0);
  });
});
