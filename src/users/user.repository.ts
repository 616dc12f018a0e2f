import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { MoreThan, Repository } from 'typeorm';
import { Database, type Transaction } from '../database/database.js';
import { User } from './user.entity.js';
import type { UserRecord } from './user-store.js';

/** The columns of a users row that make a UserRecord. */
export type UserRecordRow = {
  id: string;
  login_id: string;
  roles: string;
  disabled: unknown;
};

type UserRow = UserRecordRow & {
  created_at: unknown;
  updated_at: unknown;
};

/** A user as the users table stores it (roles as JSON, booleans as the driver spells them). */
export function userRecordOf(row: UserRecordRow, db: Database): UserRecord {
  return { id: row.id, loginId: row.login_id, roles: JSON.parse(row.roles) as string[], disabled: db.bool(row.disabled) };
}

/** What an update may change on a user. */
export type UserUpdate = Partial<Pick<User, 'roles' | 'disabled' | 'passwordHash'>> & { updatedAt: number };

/** The users table, as User entities. Writes join the caller's transaction. */
@Injectable()
export class UserRepository {
  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
    private readonly db: Database,
  ) {}

  /**
   * Read at every refresh (roles reach the next access token): a prepared statement, because
   * TypeORM's find costs more than the statement itself on that path (bench/hot-path.mjs).
   * The password hash is not read.
   */
  async findById(id: string, tx?: Transaction): Promise<Omit<User, 'passwordHash'> | null> {
    const sql = 'SELECT id, login_id, roles, disabled, created_at, updated_at FROM users WHERE id = ?';
    const [row] = await (tx ?? this.db).query<UserRow>(sql, [id]);
    if (!row) return null;
    return { ...userRecordOf(row, this.db), createdAt: this.db.num(row.created_at), updatedAt: this.db.num(row.updated_at) };
  }

  findByLoginId(loginId: string, tx?: Transaction): Promise<User | null> {
    return this.in(tx).findOneBy({ loginId });
  }

  list(limit: number, cursor?: string): Promise<User[]> {
    return this.users.find({ where: cursor === undefined ? {} : { id: MoreThan(cursor) }, order: { id: 'ASC' }, take: limit });
  }

  async insert(tx: Transaction, user: User): Promise<void> {
    await this.in(tx).insert(user);
  }

  /** Returns false when there is no such user. */
  async update(tx: Transaction, id: string, changes: UserUpdate): Promise<boolean> {
    return ((await this.in(tx).update({ id }, changes)).affected ?? 0) > 0;
  }

  /** Returns false when there is no such user. */
  async delete(tx: Transaction, id: string): Promise<boolean> {
    return ((await this.in(tx).delete({ id })).affected ?? 0) > 0;
  }

  private in(tx: Transaction | undefined): Repository<User> {
    return tx ? tx.manager.getRepository(User) : this.users;
  }
}
