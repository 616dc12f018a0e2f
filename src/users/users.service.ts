import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Clock } from '../common/clock.js';
import { PasswordHasher } from '../common/crypto/password-hasher.js';
import { DomainError } from '../common/errors/domain-error.js';
import { Database, type Row, type Transaction } from '../database/database.js';
import type { UserRecord, UserStore } from './user-store.js';

export interface UserChanges {
  roles?: string[];
  disabled?: boolean;
  password?: string;
}

/** The built-in user store: users in our own database, passwords hashed with scrypt. */
@Injectable()
export class UsersService implements UserStore {
  constructor(
    private readonly db: Database,
    private readonly hasher: PasswordHasher,
    private readonly clock: Clock,
  ) {}

  async findById(id: string): Promise<UserRecord | null> {
    const rows = await this.db.query('SELECT id, login_id, roles, disabled FROM users WHERE id = ?', [id]);
    return rows[0] ? this.toRecord(rows[0]) : null;
  }

  async verifyCredentials(loginId: string, password: string): Promise<UserRecord | null> {
    const rows = await this.db.query('SELECT id, login_id, roles, disabled, password_hash FROM users WHERE login_id = ?', [loginId]);
    const row = rows[0];
    if (!row) {
      await this.hasher.burn(password);
      return null;
    }
    const valid = await this.hasher.verify(password, String(row.password_hash));
    return valid ? this.toRecord(row) : null;
  }

  async create(input: { loginId: string; password: string; roles?: string[] }): Promise<UserRecord> {
    const passwordHash = await this.hasher.hash(input.password);
    const now = this.clock.now();
    const user = { id: randomUUID(), loginId: input.loginId, roles: input.roles ?? ['user'], disabled: false };
    await this.db.transaction(async (tx) => {
      const taken = await tx.query('SELECT 1 FROM users WHERE login_id = ?', [input.loginId]);
      if (taken.length > 0) throw new DomainError('conflict', 'A user with this loginId already exists');
      await tx.execute(
        'INSERT INTO users (id, login_id, password_hash, roles, disabled, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
        [user.id, user.loginId, passwordHash, JSON.stringify(user.roles), false, now, now],
      );
    });
    return user;
  }

  /** Hashes a new password up front, so the transaction that stores it stays short. */
  async prepareChanges(changes: UserChanges): Promise<UserChanges & { passwordHash?: string }> {
    return changes.password === undefined ? changes : { ...changes, passwordHash: await this.hasher.hash(changes.password) };
  }

  async update(tx: Transaction, id: string, changes: UserChanges & { passwordHash?: string }): Promise<UserRecord> {
    const sets: string[] = ['updated_at = ?'];
    const params: unknown[] = [this.clock.now()];
    if (changes.roles !== undefined) {
      sets.push('roles = ?');
      params.push(JSON.stringify(changes.roles));
    }
    if (changes.disabled !== undefined) {
      sets.push('disabled = ?');
      params.push(changes.disabled);
    }
    if (changes.passwordHash !== undefined) {
      sets.push('password_hash = ?');
      params.push(changes.passwordHash);
    }
    const changed = await tx.execute(`UPDATE users SET ${sets.join(', ')} WHERE id = ?`, [...params, id]);
    if (changed === 0) throw new DomainError('not_found', 'No such user');
    const rows = await tx.query('SELECT id, login_id, roles, disabled FROM users WHERE id = ?', [id]);
    return this.toRecord(rows[0]!);
  }

  async delete(tx: Transaction, id: string): Promise<void> {
    const changed = await tx.execute('DELETE FROM users WHERE id = ?', [id]);
    if (changed === 0) throw new DomainError('not_found', 'No such user');
  }

  async list(limit: number, cursor?: string): Promise<UserRecord[]> {
    const rows = await this.db.query(
      `SELECT id, login_id, roles, disabled FROM users ${cursor ? 'WHERE id > ?' : ''} ORDER BY id LIMIT ?`,
      cursor ? [cursor, limit] : [limit],
    );
    return rows.map((row) => this.toRecord(row));
  }

  async get(id: string): Promise<UserRecord> {
    const user = await this.findById(id);
    if (!user) throw new DomainError('not_found', 'No such user');
    return user;
  }

  private toRecord(row: Row): UserRecord {
    return {
      id: String(row.id),
      loginId: String(row.login_id),
      roles: JSON.parse(String(row.roles)) as string[],
      disabled: this.db.bool(row.disabled),
    };
  }
}
