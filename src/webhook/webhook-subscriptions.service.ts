import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { ClientsService } from '../clients/clients.service.js';
import { Clock } from '../common/clock.js';
import { SecretBox } from '../common/crypto/secret-box.js';
import { DomainError } from '../common/errors/domain-error.js';
import { Database, type Row } from '../database/database.js';
import { DEFAULT_SUBSCRIPTION_EVENTS } from './webhook-events.js';
import type { WebhookOwner } from './webhook-owner.js';
import { WebhookTargetPolicy } from './webhook-target.policy.js';
import { WebhookSigner } from './webhook.signer.js';

/** During a secret rotation the old secret keeps signing beside the new one this long. */
export const SECRET_OVERLAP_MS = 24 * 60 * 60 * 1000;

export interface WebhookSubscription {
  id: string;
  url: string;
  events: string[];
  enabled: boolean;
  description: string | null;
  clientId: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface SubscriptionInput {
  url: string;
  events?: string[];
  description?: string;
  clientId?: string;
}

export interface SubscriptionChanges {
  url?: string;
  events?: string[];
  enabled?: boolean;
  description?: string | null;
}


/** Webhook subscriptions, scoped to their owner; secrets sealed at rest. */
@Injectable()
export class WebhookSubscriptionsService {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly box: SecretBox,
    private readonly signer: WebhookSigner,
    private readonly targets: WebhookTargetPolicy,
    private readonly clients: ClientsService,
  ) {}

  async create(owner: WebhookOwner, input: SubscriptionInput): Promise<WebhookSubscription & { secret: string }> {
    const clientId = await this.clientFilter(owner, input.clientId);
    await this.targets.check(input.url);
    const id = randomUUID();
    const secret = this.signer.generateSecret();
    const now = this.clock.now();
    const events = [...new Set(input.events ?? DEFAULT_SUBSCRIPTION_EVENTS)];
    await this.db.transaction((tx) =>
      tx.execute(
        `INSERT INTO webhook_subscriptions
           (id, client_id, url, events, enabled, description, secret_sealed, created_by_admin, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [id, clientId, input.url, JSON.stringify(events), true, input.description ?? null, this.seal(id, secret), owner.kind === 'admin', now, now],
      ),
    );
    return { ...(await this.get(owner, id)), secret };
  }

  async list(owner: WebhookOwner, limit: number, cursor?: string): Promise<WebhookSubscription[]> {
    const { clause, params } = this.ownerClause(owner);
    const rows = await this.db.query(
      `SELECT * FROM webhook_subscriptions WHERE ${clause} ${cursor ? 'AND id > ?' : ''} ORDER BY id LIMIT ?`,
      [...params, ...(cursor ? [cursor] : []), limit],
    );
    return rows.map((row) => this.toSubscription(row));
  }

  async get(owner: WebhookOwner, id: string): Promise<WebhookSubscription> {
    return this.toSubscription(await this.findRow(owner, id));
  }

  async update(owner: WebhookOwner, id: string, changes: SubscriptionChanges): Promise<WebhookSubscription> {
    await this.findRow(owner, id);
    if (changes.url !== undefined) await this.targets.check(changes.url);
    const sets = ['updated_at = ?'];
    const params: unknown[] = [this.clock.now()];
    for (const [column, value] of [
      ['url', changes.url],
      ['events', changes.events && JSON.stringify([...new Set(changes.events)])],
      ['enabled', changes.enabled],
      ['description', changes.description],
    ] as const) {
      if (value !== undefined) {
        sets.push(`${column} = ?`);
        params.push(value);
      }
    }
    const changed = await this.db.transaction((tx) => tx.execute(`UPDATE webhook_subscriptions SET ${sets.join(', ')} WHERE id = ?`, [...params, id]));
    if (changed === 0) throw notFound();
    return this.get(owner, id);
  }

  async delete(owner: WebhookOwner, id: string): Promise<void> {
    await this.findRow(owner, id);
    await this.db.transaction(async (tx) => {
      await tx.execute('DELETE FROM webhook_attempts WHERE delivery_id IN (SELECT id FROM webhook_deliveries WHERE subscription_id = ?)', [id]);
      await tx.execute('DELETE FROM webhook_deliveries WHERE subscription_id = ?', [id]);
      if ((await tx.execute('DELETE FROM webhook_subscriptions WHERE id = ?', [id])) === 0) throw notFound();
    });
  }

  /** A new secret; the old one keeps signing beside it for 24 hours. */
  async rotateSecret(owner: WebhookOwner, id: string): Promise<WebhookSubscription & { secret: string; previousSecretExpiresAt: string }> {
    const row = await this.findRow(owner, id);
    const secret = this.signer.generateSecret();
    const now = this.clock.now();
    const previousExpiresAt = now + SECRET_OVERLAP_MS;
    await this.db.transaction((tx) =>
      tx.execute(
        `UPDATE webhook_subscriptions
            SET secret_sealed = ?, previous_secret_sealed = ?, previous_secret_expires_at = ?, updated_at = ?
          WHERE id = ? AND secret_sealed = ?`,
        [this.seal(id, secret), row.secret_sealed, previousExpiresAt, now, id, row.secret_sealed],
      ),
    );
    return { ...(await this.get(owner, id)), secret, previousSecretExpiresAt: new Date(previousExpiresAt).toISOString() };
  }

  /** The secrets that sign a message now: the current one, and the previous one during its overlap. */
  async signingSecrets(id: string): Promise<string[] | null> {
    const [row] = await this.db.query('SELECT id, secret_sealed, previous_secret_sealed, previous_secret_expires_at FROM webhook_subscriptions WHERE id = ?', [id]);
    if (!row) return null;
    const secrets = [this.open(id, String(row.secret_sealed))];
    const previousUntil = this.db.num(row.previous_secret_expires_at, true);
    if (row.previous_secret_sealed && previousUntil !== null && previousUntil > this.clock.now()) {
      secrets.push(this.open(id, String(row.previous_secret_sealed)));
    }
    return secrets;
  }

  /** The subscription as its owner may see it; another owner's is a 404, like a missing one. */
  async findRow(owner: WebhookOwner, id: string): Promise<Row> {
    const { clause, params } = this.ownerClause(owner);
    const [row] = await this.db.query(`SELECT * FROM webhook_subscriptions WHERE id = ? AND ${clause}`, [id, ...params]);
    if (!row) throw notFound();
    return row;
  }

  private ownerClause(owner: WebhookOwner): { clause: string; params: unknown[] } {
    if (owner.kind === 'admin') return { clause: '1 = 1', params: [] };
    return { clause: 'client_id = ? AND created_by_admin = ?', params: [owner.clientId, false] };
  }

  private async clientFilter(owner: WebhookOwner, requested: string | undefined): Promise<string | null> {
    if (owner.kind === 'client') {
      if (requested !== undefined && requested !== owner.clientId) {
        throw new DomainError('invalid_request', 'clientId may only be set with the admin key');
      }
      return owner.clientId;
    }
    if (requested === undefined) return null;
    if (!(await this.clients.find(requested))) throw new DomainError('invalid_request', 'clientId names no client');
    return requested;
  }

  private seal(id: string, secret: string): string {
    return this.box.seal(secret, `webhook-secret:${id}`);
  }

  private open(id: string, sealed: string): string {
    return this.box.openText(sealed, `webhook-secret:${id}`);
  }

  private toSubscription(row: Row): WebhookSubscription {
    return {
      id: String(row.id),
      url: String(row.url),
      events: JSON.parse(String(row.events)) as string[],
      enabled: this.db.bool(row.enabled),
      description: row.description === null || row.description === undefined ? null : String(row.description),
      clientId: row.client_id === null || row.client_id === undefined ? null : String(row.client_id),
      createdAt: new Date(this.db.num(row.created_at)).toISOString(),
      updatedAt: new Date(this.db.num(row.updated_at)).toISOString(),
    };
  }
}

function notFound(): DomainError {
  return new DomainError('not_found', 'No such webhook subscription');
}
