import { Inject, Injectable, Logger, Optional, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { Clock } from '../common/clock.js';
import { webhookConfig, type WebhookConfig } from '../config/webhook.config.js';
import { Database } from '../database/database.js';
import { nextAttemptAfterFailure, parseRetryAfter } from './retry-policy.js';
import { messageBody, WebhookDeliveryRepository, type AttemptRecord, type DeliveryStatus, type DueDelivery } from './webhook-delivery.repository.js';
import { WEBHOOK_METRICS, type WebhookAttemptOutcome, type WebhookMetrics } from './webhook-metrics.js';
import { PacedRounds } from './paced-rounds.js';
import { WebhookSubscriptionRepository } from './webhook-subscription.repository.js';
import { WebhookSubscriptionsService } from './webhook-subscriptions.service.js';
import { WebhookTargetPolicy, type CheckedTarget } from './webhook-target.policy.js';
import { WEBHOOK_USER_AGENT, WebhookSender, type SendResult } from './webhook.sender.js';
import { WebhookSigner } from './webhook.signer.js';

/** Beyond the request timeout, how long a lease outlives an attempt (clock skew, slow commits). */
const LEASE_MARGIN_MS = 5_000;
/** Finished attempts recorded by one transaction, at most. */
const RECORD_BATCH = 256;
/** Recording transactions start at most this often, so under load each carries many attempts. */
const RECORD_INTERVAL_MS = 20;
/** Finished attempts waiting to be recorded, at most: beyond it nothing new is claimed. */
const MAX_UNRECORDED = 1024;

/** An attempt that has an outcome, waiting to be recorded. */
interface FinishedAttempt {
  delivery: DueDelivery;
  leaseUntil: number;
  record: AttemptRecord;
  status: DeliveryStatus;
  result: SendResult & { refused?: true };
}

/**
 * Sends due deliveries, off the request path: a timer loop, woken early when new
 * deliveries are created. Each attempt is claimed with a lease by a conditional UPDATE, so
 * several processes sharing the database never send the same attempt twice, and a dead
 * process's lease simply expires. On shutdown it stops claiming and waits for the
 * attempts in flight (interrupted ones are handed back without counting).
 *
 * A round's claims are one transaction, and finished attempts are recorded together, at
 * most one transaction per RECORD_INTERVAL_MS: an attempt holds its lease until its
 * outcome has committed.
 */
@Injectable()
export class WebhookDispatcher implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(WebhookDispatcher.name);
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly stopping = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private wakeAgain = false;
  private kicked = false;
  private slotAwaited = false;
  private reserved = 0;
  private readonly finished: Omit<FinishedAttempt, 'recorded'>[] = [];
  private readonly recordings = new PacedRounds(
    RECORD_INTERVAL_MS,
    () => this.finished.length > 0,
    () => this.recordRound(),
    () => this.stopping.signal.aborted,
  );

  constructor(
    @Inject(webhookConfig.KEY) private readonly config: WebhookConfig,
    private readonly db: Database,
    private readonly store: WebhookDeliveryRepository,
    private readonly subscriptions: WebhookSubscriptionsService,
    private readonly subscriptionRepository: WebhookSubscriptionRepository,
    private readonly targets: WebhookTargetPolicy,
    private readonly sender: WebhookSender,
    private readonly signer: WebhookSigner,
    private readonly clock: Clock,
    @Optional() @Inject(WEBHOOK_METRICS) private readonly metrics?: WebhookMetrics,
  ) {}

  onApplicationBootstrap(): void {
    this.metrics?.countPendingDeliveriesWith(() => this.store.countPending());
    this.schedule(0);
  }

  async onModuleDestroy(): Promise<void> {
    this.stopping.abort();
    clearTimeout(this.timer);
    await this.running;
    this.sender.interruptAll();
    await Promise.allSettled([...this.inFlight.values()]);
    await this.recordings.settled();
  }

  /** Look for due deliveries now (new ones were just created). */
  kick(): void {
    if (this.stopping.signal.aborted) return;
    if (this.running) {
      this.wakeAgain = true;
      return;
    }
    if (this.kicked) return;
    this.kicked = true;
    this.schedule(0);
  }

  private schedule(delayMs: number): void {
    if (this.stopping.signal.aborted) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.tick(), delayMs);
    this.timer.unref();
  }

  private tick(): void {
    this.kicked = false;
    if (this.running || this.stopping.signal.aborted) return;
    this.running = this.claimDue()
      .catch((error: Error) => this.logger.warn(`Webhook dispatch round failed: ${error.message}`))
      .finally(() => {
        this.running = undefined;
        const again = this.wakeAgain;
        this.wakeAgain = false;
        this.schedule(again ? 0 : this.config.pollMs);
      });
  }

  /**
   * Sending slots for deliveries the caller is about to create already leased (the
   * fan-out), at most `wanted`, with the lease to give them. The caller hands them over
   * with adopt() once they have committed, or gives the slots back with adopt([]).
   */
  reserve(wanted: number): { slots: number; leaseUntil: number } {
    const free = this.stopping.signal.aborted ? 0 : this.freeSlots();
    const slots = Math.max(0, Math.min(wanted, free));
    this.reserved += slots;
    return { slots, leaseUntil: this.clock.now() + this.config.timeoutMs + LEASE_MARGIN_MS };
  }

  /** Sends deliveries created leased under a reservation, and frees the reservation. */
  adopt(deliveries: readonly DueDelivery[], reservation: { slots: number; leaseUntil: number }): void {
    this.reserved -= reservation.slots;
    for (const delivery of deliveries) {
      // Stopping meanwhile: hand the lease back without counting the attempt, as an interrupted one would.
      if (this.stopping.signal.aborted) void this.store.release(delivery.id, reservation.leaseUntil).catch(() => undefined);
      else this.start(delivery, reservation.leaseUntil);
    }
  }

  private freeSlots(): number {
    return Math.min(this.config.concurrency - this.inFlight.size - this.reserved, MAX_UNRECORDED - this.finished.length);
  }

  private async claimDue(): Promise<void> {
    if (this.stopping.signal.aborted) return;
    const free = this.freeSlots();
    if (free <= 0) {
      // Woken with every slot taken: the deliveries that woke it are claimed when one frees.
      this.slotAwaited = true;
      return;
    }
    const claimedAt = this.clock.now();
    const leaseUntil = claimedAt + this.config.timeoutMs + LEASE_MARGIN_MS;
    const claimed = await this.store.claimDue(claimedAt, free, leaseUntil);
    // A full round may have left due deliveries behind: look again as soon as a slot frees.
    this.slotAwaited = claimed.length === free;
    for (const delivery of claimed) this.start(delivery, leaseUntil);
  }

  /** `delivery.attempts` counts the attempts before this one. */
  private start(delivery: DueDelivery, leaseUntil: number): void {
    const attempt = this.attempt({ ...delivery, attempts: delivery.attempts + 1 }, leaseUntil)
      .catch((error: Error) => this.logger.error(`Webhook attempt for delivery ${delivery.id} failed unexpectedly: ${error.message}`))
      .finally(() => {
        this.inFlight.delete(delivery.id);
        if (this.slotAwaited) this.kick();
      });
    this.inFlight.set(delivery.id, attempt);
  }

  private async attempt(delivery: DueDelivery, leaseUntil: number): Promise<void> {
    const attemptedAt = this.clock.now();
    const result = await this.send(delivery);
    if (this.stopping.signal.aborted && result.statusCode === null) {
      await this.store.release(delivery.id, leaseUntil);
      return;
    }
    const succeeded = result.statusCode !== null && result.statusCode >= 200 && result.statusCode < 300;
    const gone = result.statusCode === 410;
    let status: DeliveryStatus = 'succeeded';
    let nextRetryAt: number | null = null;
    if (!succeeded) {
      const now = this.clock.now();
      nextRetryAt = gone
        ? null
        : nextAttemptAfterFailure(delivery.attempts, this.config.retrySchedule, now, parseRetryAfter(result.retryAfter, now)).nextAttemptAt;
      status = nextRetryAt === null ? 'failed' : 'pending';
    }
    const error = result.error ?? (succeeded ? null : describeStatus(result.statusCode!));
    const record: AttemptRecord = {
      attempt: delivery.attempts,
      attemptedAt,
      statusCode: result.statusCode,
      durationMs: result.durationMs,
      error,
      responseBody: result.responseBody,
      requestHeaders: result.requestHeaders ?? null,
      nextRetryAt,
    };
    this.finished.push({ delivery, leaseUntil, record, status, result });
    this.recordings.start();
  }

  /** One round: the finished attempts recorded in one transaction. */
  private async recordRound(): Promise<void> {
    let batch: FinishedAttempt[] | undefined;
    try {
      // Taken once the transaction has begun, so attempts finished while it waited for its turn go in too.
      await this.db.transaction(async (tx) => {
        batch = this.finished.splice(0, RECORD_BATCH);
        await this.store.completeEach(
          tx,
          batch.map(({ delivery, leaseUntil, record, status }) => ({ id: delivery.id, leaseUntil, attempt: record, status })),
        );
        for (const { delivery, record, result } of batch) {
          // 410 Gone: the receiver asks us to stop; the test ping never disables.
          if (result.statusCode === 410 && delivery.eventType !== 'webhook.test') {
            await this.subscriptionRepository.update(tx, delivery.subscriptionId, { enabled: false, updatedAt: record.attemptedAt });
          }
        }
      });
      for (const attempt of batch!) this.reportRecorded(attempt);
      // Claim at once only what this round may have made claimable: a retry already due (its
      // new schedule has committed), or deliveries that waited for the slots it freed. Anything
      // else comes due later and the poll finds it; a claim that finds nothing costs a query.
      const now = this.clock.now();
      if (this.slotAwaited || batch!.some((attempt) => dueAgain(attempt, now))) this.kick();
    } catch (error) {
      batch ??= this.finished.splice(0, RECORD_BATCH);
      this.logger.error(`Recording ${batch.length} webhook attempts failed (their leases run out and they are tried again): ${(error as Error).message}`);
    }
  }

  /** Counted once recorded, so a scrape never shows the attempt while the delivery still looks pending. */
  private reportRecorded({ delivery, record, status, result }: FinishedAttempt): void {
    this.metrics?.webhookAttempt(attemptOutcome(result));
    if (status === 'succeeded') this.metrics?.webhookDelivered((record.attemptedAt + result.durationMs - delivery.occurredAt) / 1000);
    if (result.statusCode === 410) this.logger.warn(`Webhook subscription ${delivery.subscriptionId} answered 410 Gone: disabled`);
    else if (status === 'failed') this.logger.warn(`Webhook delivery ${delivery.id} failed after ${delivery.attempts} attempts`);
  }

  private async send(delivery: DueDelivery): Promise<SendResult & { refused?: true; requestHeaders?: Record<string, string> }> {
    let target: CheckedTarget;
    try {
      target = await this.targets.check(delivery.url);
    } catch (error) {
      return { statusCode: null, retryAfter: null, responseBody: null, error: (error as Error).message, durationMs: 0, refused: true };
    }
    const secrets = this.subscriptions.signingSecrets(delivery.subscriptionId, delivery.secrets);
    const body = messageBody(delivery.eventType, delivery.occurredAt, delivery.payload);
    // Signed afresh for every attempt: verifiers refuse timestamps older than five minutes.
    const timestamp = Math.floor(this.clock.now() / 1000);
    const headers = {
      'content-type': 'application/json',
      'webhook-id': delivery.eventId,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': this.signer.sign(secrets, delivery.eventId, timestamp, body),
    };
    if (this.stopping.signal.aborted) return { statusCode: null, retryAfter: null, responseBody: null, error: 'interrupted: the dispatcher is stopping', durationMs: 0 };
    const result = await this.sender.send(target, headers, body);
    return { ...result, requestHeaders: { ...headers, 'user-agent': WEBHOOK_USER_AGENT } };
  }
}

function dueAgain({ status, record }: FinishedAttempt, now: number): boolean {
  return status === 'pending' && record.nextRetryAt !== null && record.nextRetryAt <= now;
}

function attemptOutcome(result: SendResult & { refused?: true }): WebhookAttemptOutcome {
  if (result.refused) return 'refused';
  if (result.statusCode === null) return result.error?.startsWith('timeout') ? 'timeout' : 'network_error';
  if (result.statusCode >= 200 && result.statusCode < 300) return 'success';
  return result.statusCode === 410 ? 'gone' : 'http_error';
}

function describeStatus(status: number): string {
  if (status === 410) return 'HTTP 410 Gone: subscription disabled';
  if (status >= 300 && status < 400) return `HTTP ${status}: redirects are not followed`;
  return `HTTP ${status}`;
}
