import { Injectable, Optional } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { randomUUID } from 'node:crypto';
import { Clock } from '../common/clock.js';
import { constantTimeEqual, generateOpaqueToken, sha256 } from '../common/crypto/hashing.js';
import { DomainError } from '../common/errors/domain-error.js';
import { Database, type Row, type Transaction } from '../database/database.js';
import { ClientEvents, type ClientSecretRotated } from './client-events.js';

export const DEFAULT_CLIENT_SCOPES = ['openid', 'profile', 'offline_access'];

export interface ClientRecord {
  clientId: string;
  name: string;
  audience: string;
  scopes: string[];
  public: boolean;
}

export interface ClientChanges {
  name?: string;
  audience?: string;
  scopes?: string[];
}

/** OAuth clients: public ones identify by id, confidential ones also prove a secret. */
@Injectable()
export class ClientsService {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    @Optional() private readonly events?: EventEmitter2,
  ) {}

  async create(input: { name: string; audience: string; scopes?: string[]; public?: boolean }): Promise<ClientRecord & { clientSecret?: string }> {
    const isPublic = input.public ?? false;
    const secret = isPublic ? undefined : generateOpaqueToken();
    const now = this.clock.now();
    const client: ClientRecord = {
      clientId: randomUUID(),
      name: input.name,
      audience: input.audience,
      scopes: input.scopes ?? DEFAULT_CLIENT_SCOPES,
      public: isPublic,
    };
    await this.db.transaction((tx) =>
      tx.execute(
        'INSERT INTO clients (id, name, audience, scopes, is_public, secret_hash, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
        [client.clientId, client.name, client.audience, JSON.stringify(client.scopes), isPublic, secret ? sha256(secret) : null, now, now],
      ),
    );
    return secret ? { ...client, clientSecret: secret } : client;
  }

  async find(clientId: string): Promise<ClientRecord | null> {
    const row = await this.findRow(clientId);
    return row ? this.toRecord(row) : null;
  }

  async get(clientId: string): Promise<ClientRecord> {
    const client = await this.find(clientId);
    if (!client) throw new DomainError('not_found', 'No such client');
    return client;
  }

  async list(limit: number, cursor?: string): Promise<ClientRecord[]> {
    const rows = await this.db.query(
      `SELECT * FROM clients ${cursor ? 'WHERE id > ?' : ''} ORDER BY id LIMIT ?`,
      cursor ? [cursor, limit] : [limit],
    );
    return rows.map((row) => this.toRecord(row));
  }

  async update(clientId: string, changes: ClientChanges): Promise<ClientRecord> {
    const sets: string[] = ['updated_at = ?'];
    const params: unknown[] = [this.clock.now()];
    for (const [column, value] of [
      ['name', changes.name],
      ['audience', changes.audience],
      ['scopes', changes.scopes && JSON.stringify(changes.scopes)],
    ] as const) {
      if (value !== undefined) {
        sets.push(`${column} = ?`);
        params.push(value);
      }
    }
    const changed = await this.db.transaction((tx) => tx.execute(`UPDATE clients SET ${sets.join(', ')} WHERE id = ?`, [...params, clientId]));
    if (changed === 0) throw new DomainError('not_found', 'No such client');
    return this.get(clientId);
  }

  async rotateSecret(clientId: string): Promise<ClientRecord & { clientSecret: string }> {
    const client = await this.get(clientId);
    if (client.public) throw new DomainError('invalid_request', 'A public client has no secret');
    const secret = generateOpaqueToken();
    await this.db.transaction(async (tx) => {
      await tx.execute('UPDATE clients SET secret_hash = ?, updated_at = ? WHERE id = ?', [sha256(secret), this.clock.now(), clientId]);
      const rotated: ClientSecretRotated = { clientId, tx };
      await this.events?.emitAsync(ClientEvents.SecretRotated, rotated);
    });
    return { ...client, clientSecret: secret };
  }

  async delete(tx: Transaction, clientId: string): Promise<void> {
    const changed = await tx.execute('DELETE FROM clients WHERE id = ?', [clientId]);
    if (changed === 0) throw new DomainError('not_found', 'No such client');
  }

  /**
   * Authenticates a client. A confidential client must prove its secret; a public client
   * must not send one. Every failure is the same `invalid_client`.
   */
  async authenticate(clientId: string, secret: string | undefined, challenge?: string): Promise<ClientRecord> {
    const row = await this.findRow(clientId);
    const fail = () => new DomainError('invalid_client', 'Client authentication failed', { challenge });
    if (!row) {
      if (secret !== undefined) constantTimeEqual(sha256(secret), 'x'.repeat(43));
      throw fail();
    }
    const storedHash = row.secret_hash === null ? null : String(row.secret_hash);
    if (storedHash === null) {
      if (secret !== undefined && secret !== '') throw fail();
    } else if (secret === undefined || !constantTimeEqual(sha256(secret), storedHash)) {
      throw fail();
    }
    return this.toRecord(row);
  }

  private async findRow(clientId: string): Promise<Row | undefined> {
    const rows = await this.db.query('SELECT * FROM clients WHERE id = ?', [clientId]);
    return rows[0];
  }

  private toRecord(row: Row): ClientRecord {
    return {
      clientId: String(row.id),
      name: String(row.name),
      audience: String(row.audience),
      scopes: JSON.parse(String(row.scopes)) as string[],
      public: this.db.bool(row.is_public),
    };
  }
}
