import { Injectable, Optional } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { randomUUID } from 'node:crypto';
import { Clock } from '../common/clock.js';
import { digestsEqual, generateOpaqueToken, sha256 } from '../common/crypto/hashing.js';
import { DomainError } from '../common/errors/domain-error.js';
import { Database, type Transaction } from '../database/database.js';
import { ClientEvents, type ClientSecretRotated } from './client-events.js';
import { Client } from './client.entity.js';
import { ClientRepository } from './client.repository.js';

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

/** Compared against when the client is unknown, so that the answer takes as long as for a known one. */
const UNKNOWN_CLIENT_DIGEST = sha256('no such client');

/** OAuth clients: public ones identify by id, confidential ones also prove a secret. */
@Injectable()
export class ClientsService {
  constructor(
    private readonly db: Database,
    private readonly clients: ClientRepository,
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
    const entity = Object.assign(new Client(), {
      id: client.clientId,
      name: client.name,
      audience: client.audience,
      scopes: client.scopes,
      isPublic,
      secretHash: secret ? sha256(secret) : null,
      createdAt: now,
      updatedAt: now,
    });
    await this.db.transaction((tx) => this.clients.insert(tx, entity));
    return secret ? { ...client, clientSecret: secret } : client;
  }

  async find(clientId: string): Promise<ClientRecord | null> {
    const client = await this.clients.findById(clientId);
    return client ? toRecord(client) : null;
  }

  async get(clientId: string): Promise<ClientRecord> {
    const client = await this.find(clientId);
    if (!client) throw new DomainError('not_found', 'No such client');
    return client;
  }

  async list(limit: number, cursor?: string): Promise<ClientRecord[]> {
    return (await this.clients.list(limit, cursor)).map(toRecord);
  }

  async update(clientId: string, changes: ClientChanges): Promise<ClientRecord> {
    const { name, audience, scopes } = changes;
    const updated = await this.db.transaction((tx) =>
      this.clients.update(tx, clientId, {
        updatedAt: this.clock.now(),
        ...(name !== undefined && { name }),
        ...(audience !== undefined && { audience }),
        ...(scopes !== undefined && { scopes }),
      }),
    );
    if (!updated) throw new DomainError('not_found', 'No such client');
    return this.get(clientId);
  }

  async rotateSecret(clientId: string): Promise<ClientRecord & { clientSecret: string }> {
    const client = await this.get(clientId);
    if (client.public) throw new DomainError('invalid_request', 'A public client has no secret');
    const secret = generateOpaqueToken();
    await this.db.transaction(async (tx) => {
      await this.clients.update(tx, clientId, { secretHash: sha256(secret), updatedAt: this.clock.now() });
      const rotated: ClientSecretRotated = { clientId, tx };
      await this.events?.emitAsync(ClientEvents.SecretRotated, rotated);
    });
    return { ...client, clientSecret: secret };
  }

  async delete(tx: Transaction, clientId: string): Promise<void> {
    if (!(await this.clients.delete(tx, clientId))) throw new DomainError('not_found', 'No such client');
  }

  /**
   * Authenticates a client. A confidential client must prove its secret; a public client
   * must not send one. Every failure is the same `invalid_client`.
   */
  async authenticate(clientId: string, secret: string | undefined, challenge?: string): Promise<ClientRecord> {
    const client = await this.clients.findById(clientId);
    const fail = () => new DomainError('invalid_client', 'Client authentication failed', { challenge });
    if (!client) {
      if (secret !== undefined) digestsEqual(sha256(secret), UNKNOWN_CLIENT_DIGEST);
      throw fail();
    }
    if (client.secretHash === null) {
      if (secret !== undefined && secret !== '') throw fail();
    } else if (secret === undefined || !digestsEqual(sha256(secret), client.secretHash)) {
      throw fail();
    }
    return toRecord(client);
  }
}

function toRecord(client: Client): ClientRecord {
  return { clientId: client.id, name: client.name, audience: client.audience, scopes: client.scopes, public: client.isPublic };
}
