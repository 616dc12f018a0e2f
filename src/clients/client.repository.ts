import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { MoreThan, Repository } from 'typeorm';
import { Database, type Transaction } from '../database/database.js';
import { Client } from './client.entity.js';

type ClientRow = {
  id: string;
  name: string;
  audience: string;
  scopes: string;
  is_public: unknown;
  secret_hash: string | null;
  created_at: unknown;
  updated_at: unknown;
};

/** What an update may change on a client. */
export type ClientUpdate = Partial<Pick<Client, 'name' | 'audience' | 'scopes' | 'secretHash'>> & { updatedAt: number };

/** The clients table, as Client entities. Writes join the caller's transaction. */
@Injectable()
export class ClientRepository {
  constructor(
    @InjectRepository(Client) private readonly clients: Repository<Client>,
    private readonly db: Database,
  ) {}

  /**
   * Read at every refresh and client authentication: a prepared statement, because TypeORM's
   * find costs more than the statement itself on that path (bench/hot-path.mjs).
   */
  async findById(id: string): Promise<Client | null> {
    const [row] = await this.db.query<ClientRow>(
      'SELECT id, name, audience, scopes, is_public, secret_hash, created_at, updated_at FROM clients WHERE id = ?',
      [id],
    );
    if (!row) return null;
    return Object.assign(new Client(), {
      id: row.id,
      name: row.name,
      audience: row.audience,
      scopes: JSON.parse(row.scopes) as string[],
      isPublic: this.db.bool(row.is_public),
      secretHash: row.secret_hash,
      createdAt: this.db.num(row.created_at),
      updatedAt: this.db.num(row.updated_at),
    });
  }

  list(limit: number, cursor?: string): Promise<Client[]> {
    return this.clients.find({ where: cursor === undefined ? {} : { id: MoreThan(cursor) }, order: { id: 'ASC' }, take: limit });
  }

  async insert(tx: Transaction, client: Client): Promise<void> {
    await this.in(tx).insert(client);
  }

  /** Returns false when there is no such client. */
  async update(tx: Transaction, id: string, changes: ClientUpdate): Promise<boolean> {
    return ((await this.in(tx).update({ id }, changes)).affected ?? 0) > 0;
  }

  /** Returns false when there is no such client. */
  async delete(tx: Transaction, id: string): Promise<boolean> {
    return ((await this.in(tx).delete({ id })).affected ?? 0) > 0;
  }

  private in(tx: Transaction): Repository<Client> {
    return tx.manager.getRepository(Client);
  }
}
