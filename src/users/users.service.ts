import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Clock } from '../common/clock.js';
import { PasswordHasher } from '../common/crypto/password-hasher.js';
import { DomainError } from '../common/errors/domain-error.js';
import { Database, type Transaction } from '../database/database.js';
import { User } from './user.entity.js';
import { UserRepository } from './user.repository.js';
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
    private readonly users: UserRepository,
    private readonly hasher: PasswordHasher,
    private readonly clock: Clock,
  ) {}

  async findById(id: string): Promise<UserRecord | null> {
    const user = await this.users.findById(id);
    return user ? toRecord(user) : null;
  }

  async verifyCredentials(loginId: string, password: string): Promise<UserRecord | null> {
    const user = await this.users.findByLoginId(loginId);
    if (!user) {
      await this.hasher.burn(password);
      return null;
    }
    const valid = await this.hasher.verify(password, user.passwordHash);
    return valid ? toRecord(user) : null;
  }

  async create(input: { loginId: string; password: string; roles?: string[] }): Promise<UserRecord> {
    const passwordHash = await this.hasher.hash(input.password);
    const now = this.clock.now();
    const user = Object.assign(new User(), {
      id: randomUUID(),
      loginId: input.loginId,
      passwordHash,
      roles: input.roles ?? ['user'],
      disabled: false,
      createdAt: now,
      updatedAt: now,
    });
    await this.db.transaction(async (tx) => {
      if (await this.users.findByLoginId(input.loginId, tx)) throw new DomainError('conflict', 'A user with this loginId already exists');
      await this.users.insert(tx, user);
    });
    return toRecord(user);
  }

  /** Hashes a new password up front, so the transaction that stores it stays short. */
  async prepareChanges(changes: UserChanges): Promise<UserChanges & { passwordHash?: string }> {
    return changes.password === undefined ? changes : { ...changes, passwordHash: await this.hasher.hash(changes.password) };
  }

  async update(tx: Transaction, id: string, changes: UserChanges & { passwordHash?: string }): Promise<UserRecord> {
    const { roles, disabled, passwordHash } = changes;
    const updated = await this.users.update(tx, id, {
      updatedAt: this.clock.now(),
      ...(roles !== undefined && { roles }),
      ...(disabled !== undefined && { disabled }),
      ...(passwordHash !== undefined && { passwordHash }),
    });
    const user = updated ? await this.users.findById(id, tx) : null;
    if (!user) throw new DomainError('not_found', 'No such user');
    return toRecord(user);
  }

  async delete(tx: Transaction, id: string): Promise<void> {
    if (!(await this.users.delete(tx, id))) throw new DomainError('not_found', 'No such user');
  }

  async list(limit: number, cursor?: string): Promise<UserRecord[]> {
    return (await this.users.list(limit, cursor)).map(toRecord);
  }

  async get(id: string): Promise<UserRecord> {
    const user = await this.findById(id);
    if (!user) throw new DomainError('not_found', 'No such user');
    return user;
  }
}

function toRecord(user: Omit<User, 'passwordHash'>): UserRecord {
  return { id: user.id, loginId: user.loginId, roles: user.roles, disabled: user.disabled };
}
