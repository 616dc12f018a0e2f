import { Injectable } from '@nestjs/common';
import { In, LessThan, type FindOptionsWhere, type Repository } from 'typeorm';
import { timeOrderedId } from '../common/crypto/time-ordered-id.js';
import { Database, type Row, type Statement, type Transaction } from '../database/database.js';
import { WebhookAttemptEntity } from './webhook-attempt.entity.js';
import { WebhookDeliveryEntity } from './webhook-delivery.entity.js';

export type DeliveryStatus = 'pending' | 'succeeded' | 'failed';

/** A subscription's signing secrets as stored (sealed). */
export interface SealedSigningSecrets {
  secretSealed: string;
  previousSecretSealed: string | null;
  previousSecretExpiresAt: number | null;
}

/** A delivery as the dispatcher needs it, with its subscription's URL and secrets read in the same statement. */
export interface DueDelivery {
  id: string;
  subscriptionId: string;
  url: string;
  secrets: SealedSigningSecrets;
  eventId: string;
  eventType: string;
  payload: string;
  occurredAt: number;
  attempts: number;
}

export interface NewDelivery {
  subscriptionId: string;
  eventId: string;
  eventType: string;
  payload: string;
  occurredAt: number;
}

/** An attempt with its outcome, for completeEach(): `leaseUntil` is the lease it was sent under. */
export interface FinishedAttemptRecord {
  id: string;
  leaseUntil: number;
  attempt: AttemptRecord;
  status: DeliveryStatus;
}

const INSERT_ATTEMPT = `INSERT INTO webhook_attempts (id, delivery_id, attempt, attempted_at, status_code, duration_ms, error, response_body, request_headers, next_retry_at)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;

/** The delivery's state after an attempt, only while the lease it was sent under is still its own. */
const RECORD_OUTCOME = `UPDATE webhook_deliveries
  SET status = ?, next_attempt_at = ?, lease_until = NULL, last_status_code = ?, last_error = ?, last_duration_ms = ?, completed_at = ?
  WHERE id = ? AND lease_until = ?`;

/** A delivery to create: already leased (to be sent at once) when `leaseUntil` is set. */
export interface PendingInsert {
  delivery: NewDelivery;
  id: string;
  leaseUntil: number | null;
}

/** A subscription's delivery of an event, once: a second insert of the same pair changes nothing. */
const INSERT_PENDING = `INSERT INTO webhook_deliveries (id, subscription_id, event_id, event_type, payload, occurred_at, status, attempts, next_attempt_at, lease_until, created_at)
  VALUES (?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?, ?)
  ON CONFLICT (subscription_id, event_id) DO NOTHING`;

export interface AttemptRecord {
  attempt: number;
  attemptedAt: number;
  statusCode: number | null;
  durationMs: number;
  error: string | null;
  responseBody: string | null;
  /** The request headers as sent; null when nothing was sent (the URL was refused). */
  requestHeaders: Record<string, string> | null;
  nextRetryAt: number | null;
}

export interface DeliveryFilter {
  status?: DeliveryStatus;
  eventType?: string;
}

export interface HourlyAttemptStats {
  /** Epoch milliseconds of the hour's start. */
  hourStart: number;
  succeeded: number;
  failed: number;
  p50Ms: number;
  p99Ms: number;
}

/**
 * The JSON body of a delivery exactly as every attempt sends it. The stored payload is the
 * JSON.stringify of the event's data, so it goes in as it is: the same bytes as parsing and
 * serialising it again, without doing so for every attempt on the event loop.
 */
export function messageBody(eventType: string, occurredAt: number, payload: string): string {
  return `{"type":${JSON.stringify(eventType)},"timestamp":"${new Date(occurredAt).toISOString()}","data":${payload}}`;
}

/**
 * Deliveries and their attempts. Plain writes go through TypeORM; the lease claim, the
 * idempotent insert, the bounded purge and the reporting queries are hand-written, each
 * saying what it guarantees. Every state change is one conditional UPDATE.
 */
@Injectable()
export class WebhookDeliveryRepository {
  constructor(private readonly db: Database) {}

  /**
   * Takes the lease on up to `limit` due deliveries and returns them. Of several processes
   * racing for a delivery exactly one takes it: on PostgreSQL one statement locks the
   * candidates with FOR UPDATE SKIP LOCKED, so processes split the work instead of
   * colliding; on SQLite (one writer at a time) each candidate is taken by a conditional
   * UPDATE that repeats what made it due, all in one transaction. The candidates are read
   * first, outside it, so an idle poll writes nothing.
   */
  async claimDue(now: number, limit: number, leaseUntil: number): Promise<DueDelivery[]> {
    if (limit <= 0) return [];
    if (this.db.kind === 'postgres') {
      const rows = await this.db.transaction((tx) =>
        tx.query(
          `WITH due AS (
             SELECT d.id FROM webhook_deliveries d JOIN webhook_subscriptions s ON s.id = d.subscription_id
              WHERE d.status = 'pending' AND d.next_attempt_at <= ? AND (d.lease_until IS NULL OR d.lease_until < ?)
                AND (s.enabled = ? OR d.event_type = 'webhook.test')
              ORDER BY d.next_attempt_at
              LIMIT ?
              FOR UPDATE OF d SKIP LOCKED)
           UPDATE webhook_deliveries w SET lease_until = ?, attempts = w.attempts + 1
             FROM due, webhook_subscriptions s
            WHERE w.id = due.id AND s.id = w.subscription_id
        RETURNING w.id, w.subscription_id, s.url, s.secret_sealed, s.previous_secret_sealed, s.previous_secret_expires_at, w.event_id, w.event_type, w.payload, w.occurred_at, w.attempts - 1 AS attempts`,
          [now, now, true, limit, leaseUntil],
        ),
      );
      return rows.map((row) => this.toDue(row));
    }
    const candidates = await this.findDue(now, limit);
    if (candidates.length === 0) return [];
    return this.db.transaction(async (tx) => {
      const claimed: DueDelivery[] = [];
      for (const candidate of candidates) {
        const changed = await tx.execute(
          `UPDATE webhook_deliveries SET lease_until = ?, attempts = attempts + 1
            WHERE id = ? AND status = 'pending' AND next_attempt_at <= ? AND (lease_until IS NULL OR lease_until < ?)`,
          [leaseUntil, candidate.id, now, now],
        );
        if (changed === 1) claimed.push(candidate);
      }
      return claimed;
    });
  }

  private async findDue(now: number, limit: number): Promise<DueDelivery[]> {
    const rows = await this.db.query(
      `SELECT d.id, d.subscription_id, s.url, s.secret_sealed, s.previous_secret_sealed, s.previous_secret_expires_at, d.event_id, d.event_type, d.payload, d.occurred_at, d.attempts
         FROM webhook_deliveries d JOIN webhook_subscriptions s ON s.id = d.subscription_id
        WHERE d.status = 'pending' AND d.next_attempt_at <= ? AND (d.lease_until IS NULL OR d.lease_until < ?)
          AND (s.enabled = ? OR d.event_type = 'webhook.test')
        ORDER BY d.next_attempt_at
        LIMIT ?`,
      [now, now, true, limit],
    );
    return rows.map((row) => this.toDue(row));
  }

  private toDue(row: Row): DueDelivery {
    return {
      id: String(row.id),
      subscriptionId: String(row.subscription_id),
      url: String(row.url),
      secrets: {
        secretSealed: String(row.secret_sealed),
        previousSecretSealed: row.previous_secret_sealed === null ? null : String(row.previous_secret_sealed),
        previousSecretExpiresAt: this.db.num(row.previous_secret_expires_at, true),
      },
      eventId: String(row.event_id),
      eventType: String(row.event_type),
      payload: String(row.payload),
      occurredAt: this.db.num(row.occurred_at),
      attempts: Number(row.attempts),
    };
  }

  /**
   * Records each finished attempt and, if we still hold its lease (a conditional update), its
   * delivery's next state: two statements each, in one call (on PostgreSQL, issued together).
   * The dispatcher records a round of attempts in one transaction.
   */
  async completeEach(tx: Transaction, attempts: readonly FinishedAttemptRecord[]): Promise<void> {
    const statements: Statement[] = [];
    for (const { id, leaseUntil, attempt, status } of attempts) {
      statements.push(
        [
          INSERT_ATTEMPT,
          [
            timeOrderedId(),
            id,
            attempt.attempt,
            attempt.attemptedAt,
            attempt.statusCode,
            attempt.durationMs,
            attempt.error,
            attempt.responseBody,
            attempt.requestHeaders && JSON.stringify(attempt.requestHeaders),
            attempt.nextRetryAt,
          ],
        ],
        [
          RECORD_OUTCOME,
          [
            status,
            attempt.nextRetryAt,
            attempt.statusCode,
            attempt.error,
            attempt.durationMs,
            status === 'pending' ? null : attempt.attemptedAt + attempt.durationMs,
            id,
            leaseUntil,
          ],
        ],
      );
    }
    if (statements.length > 0) await tx.executeEach(statements);
  }

  /** Gives a lease back without counting the attempt (the process is stopping mid-send); conditional on still holding it. */
  async release(id: string, leaseUntil: number): Promise<void> {
    await this.db.transaction((tx) =>
      tx.manager
        .createQueryBuilder()
        .update(WebhookDeliveryEntity)
        .set({ leaseUntil: null, attempts: () => 'attempts - 1' })
        .where({ id, leaseUntil })
        .execute(),
    );
  }

  /**
   * A pending delivery, due at `now`, in the caller's transaction. Returns false when the
   * subscription already has a delivery of this event: ON CONFLICT on the unique
   * (subscription, event) key makes fan-out idempotent, and the row count says which.
   * With `leaseUntil`, the delivery is created claimed, as claimDue would leave it (its
   * first attempt counted, the lease held): its creator sends it without claiming it.
   */
  async insertPending(tx: Transaction, delivery: NewDelivery, now: number, id: string = timeOrderedId(now), leaseUntil: number | null = null): Promise<boolean> {
    const [inserted] = await this.insertPendingEach(tx, [{ delivery, id, leaseUntil }], now);
    return inserted;
  }

  /**
   * insertPending() for several deliveries in one call (on PostgreSQL, issued together):
   * whether each was inserted, in order.
   */
  async insertPendingEach(tx: Transaction, deliveries: readonly PendingInsert[], now: number): Promise<boolean[]> {
    const inserted = await tx.executeEach(
      deliveries.map(({ delivery, id, leaseUntil }): Statement => [
        INSERT_PENDING,
        [id, delivery.subscriptionId, delivery.eventId, delivery.eventType, delivery.payload, delivery.occurredAt, leaseUntil === null ? 0 : 1, now, leaseUntil, now],
      ]),
    );
    return inserted.map((count) => count === 1);
  }

  /** A delivery outside the outbox (the test ping), due now. */
  async createTestDelivery(delivery: NewDelivery, now: number): Promise<string> {
    const id = timeOrderedId(now);
    await this.db.transaction((tx) => this.insertPending(tx, delivery, now, id));
    return id;
  }

  /** Deletes every delivery of a subscription and their attempts. */
  async deleteForSubscription(tx: Transaction, subscriptionId: string): Promise<void> {
    await tx.manager
      .createQueryBuilder()
      .delete()
      .from(WebhookAttemptEntity)
      .where('delivery_id IN (SELECT id FROM webhook_deliveries WHERE subscription_id = :subscriptionId)', { subscriptionId })
      .execute();
    await tx.manager.getRepository(WebhookDeliveryEntity).delete({ subscriptionId });
  }

  /** Puts a delivery back in line with a fresh schedule; false if there is no such delivery. */
  async retryByHand(subscriptionId: string, deliveryId: string, now: number): Promise<boolean> {
    const result = await this.db.transaction((tx) =>
      tx.manager
        .getRepository(WebhookDeliveryEntity)
        .update({ id: deliveryId, subscriptionId }, { status: 'pending', attempts: 0, nextAttemptAt: now, completedAt: null }),
    );
    return result.affected === 1;
  }

  /** A page of a subscription's deliveries, newest first, each with its attempt log (no headers). */
  async listWithAttempts(subscriptionId: string, limit: number, cursor?: { createdAt: number; id: string }, filter: DeliveryFilter = {}) {
    const base: FindOptionsWhere<WebhookDeliveryEntity> = { subscriptionId };
    if (filter.status) base.status = filter.status;
    if (filter.eventType) base.eventType = filter.eventType;
    const where = cursor
      ? [
          { ...base, createdAt: LessThan(cursor.createdAt) },
          { ...base, createdAt: cursor.createdAt, id: LessThan(cursor.id) },
        ]
      : base;
    const deliveries = await this.deliveries().find({ where, order: { createdAt: 'DESC', id: 'DESC' }, take: limit });
    return this.withAttempts(deliveries, false);
  }

  /** One delivery of a subscription with its body as sent and every attempt, headers included; null if there is none. */
  async findWithAttempts(subscriptionId: string, deliveryId: string) {
    const delivery = await this.deliveries().findOneBy({ id: deliveryId, subscriptionId });
    if (!delivery) return null;
    const [withLog] = await this.withAttempts([delivery], true);
    const { cursorKey: _cursor, ...rest } = withLog!;
    return { ...rest, body: messageBody(delivery.eventType, delivery.occurredAt, delivery.payload) };
  }

  /**
   * The last hours of a subscription's attempts, per hour: how many succeeded (2xx) and
   * failed, and the nearest-rank p50 and p99 of their durations. Computed in SQL with window
   * functions, which SQLite (3.25+) and PostgreSQL both have, so the figures are the same on both.
   */
  async hourlyStats(subscriptionId: string, since: number, until: number): Promise<HourlyAttemptStats[]> {
    const rows = await this.db.query(
      `WITH a AS (
         SELECT CAST((t.attempted_at - ?) / 3600000 AS INTEGER) AS bucket,
                t.duration_ms AS duration,
                CASE WHEN t.status_code >= 200 AND t.status_code < 300 THEN 1 ELSE 0 END AS ok
           FROM webhook_attempts t JOIN webhook_deliveries d ON d.id = t.delivery_id
          WHERE d.subscription_id = ? AND t.attempted_at >= ? AND t.attempted_at < ?
       ), ranked AS (
         SELECT bucket, duration, ok,
                ROW_NUMBER() OVER (PARTITION BY bucket ORDER BY duration) AS position,
                COUNT(*) OVER (PARTITION BY bucket) AS total
           FROM a
       )
       SELECT bucket,
              SUM(ok) AS succeeded,
              SUM(1 - ok) AS failed,
              MIN(CASE WHEN position * 100 >= total * 50 THEN duration END) AS p50,
              MIN(CASE WHEN position * 100 >= total * 99 THEN duration END) AS p99
         FROM ranked GROUP BY bucket ORDER BY bucket`,
      [since, subscriptionId, since, until],
    );
    return rows.map((row) => ({
      hourStart: since + Number(row.bucket) * 3_600_000,
      succeeded: Number(row.succeeded),
      failed: Number(row.failed),
      p50Ms: Number(row.p50),
      p99Ms: Number(row.p99),
    }));
  }

  private async withAttempts(deliveries: WebhookDeliveryEntity[], headers: boolean) {
    if (deliveries.length === 0) return [];
    const attempts = await this.db.dataSource.getRepository(WebhookAttemptEntity).find({
      where: { deliveryId: In(deliveries.map((delivery) => delivery.id)) },
      order: { attemptedAt: 'ASC', attempt: 'ASC' },
    });
    const byDelivery = new Map<string, WebhookAttemptEntity[]>();
    for (const attempt of attempts) {
      const list = byDelivery.get(attempt.deliveryId) ?? [];
      list.push(attempt);
      byDelivery.set(attempt.deliveryId, list);
    }
    return deliveries.map((delivery) => ({
      id: delivery.id,
      eventId: delivery.eventId,
      eventType: delivery.eventType,
      status: delivery.status,
      attempts: delivery.attempts,
      nextAttemptAt: iso(delivery.nextAttemptAt, delivery.status === 'pending'),
      createdAt: iso(delivery.createdAt)!,
      completedAt: iso(delivery.completedAt),
      cursorKey: { createdAt: delivery.createdAt, id: delivery.id },
      attemptLog: (byDelivery.get(delivery.id) ?? []).map((attempt) => ({
        attempt: attempt.attempt,
        at: iso(attempt.attemptedAt)!,
        statusCode: attempt.statusCode,
        durationMs: attempt.durationMs,
        error: attempt.error,
        responseBody: attempt.responseBody,
        nextRetryAt: iso(attempt.nextRetryAt),
        ...(headers ? { requestHeaders: attempt.requestHeaders === null ? null : (JSON.parse(attempt.requestHeaders) as Record<string, string>) } : {}),
      })),
    }));
  }

  private deliveries(): Repository<WebhookDeliveryEntity> {
    return this.db.dataSource.getRepository(WebhookDeliveryEntity);
  }

  /**
   * One batch of ended deliveries (succeeded or failed, completed before `before`) and their
   * attempts. A pending delivery is never selected, and the outer condition is checked
   * again on the row itself, so one retried by hand meanwhile stays (on PostgreSQL it may
   * lose its old attempt log, never the delivery).
   */
  async purgeEnded(before: number, limit: number): Promise<number> {
    return this.db.transaction(async (tx) => {
      // The batch is chosen once: the deliveries deleted name the attempts to delete, so two
      // processes purging at once never leave a delivery's attempts behind.
      const deleted = await tx.query<{ id: string }>(
        `DELETE FROM webhook_deliveries
          WHERE id IN (SELECT id FROM webhook_deliveries WHERE status <> 'pending' AND completed_at < ? ORDER BY completed_at, id LIMIT ?)
            AND status <> 'pending' AND completed_at < ?
          RETURNING id`,
        [before, limit, before],
      );
      const ids = deleted.map((row) => String(row.id));
      if (ids.length > 0) await tx.execute(`DELETE FROM webhook_attempts WHERE delivery_id IN (${ids.map(() => '?').join(', ')})`, ids);
      return ids.length;
    });
  }

  /** How many deliveries wait for an attempt. */
  async countPending(): Promise<number> {
    return this.deliveries().countBy({ status: 'pending' });
  }
}

function iso(value: number | null, keep = true): string | null {
  return value === null || !keep ? null : new Date(value).toISOString();
}
