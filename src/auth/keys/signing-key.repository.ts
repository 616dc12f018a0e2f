import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, MoreThan, Repository } from 'typeorm';
import type { Transaction } from '../../database/database.js';
import { SigningKey } from './signing-key.entity.js';

/** The signing_keys table, as SigningKey entities. Writes join the caller's transaction. */
@Injectable()
export class SigningKeyRepository {
  constructor(@InjectRepository(SigningKey) private readonly keys: Repository<SigningKey>) {}

  findByKid(kid: string, tx?: Transaction): Promise<SigningKey | null> {
    return (tx ? tx.manager.getRepository(SigningKey) : this.keys).findOneBy({ kid });
  }

  /** The newest key of this algorithm that is not retired. */
  findCurrent(alg: string, tx?: Transaction): Promise<SigningKey | null> {
    return (tx ? tx.manager.getRepository(SigningKey) : this.keys).findOne({ where: { retiredAt: IsNull(), alg }, order: { createdAt: 'DESC' } });
  }

  /** Keys still published at `now` (current, or retired with a publication not yet ended), newest first. */
  findPublished(now: number): Promise<SigningKey[]> {
    return this.keys.find({ where: [{ retiredAt: IsNull() }, { publishedUntil: MoreThan(now) }], order: { createdAt: 'DESC' } });
  }

  async insert(tx: Transaction, key: SigningKey): Promise<void> {
    await tx.manager.getRepository(SigningKey).insert(key);
  }

  /** Retires every current key, publishing it until `publishedUntil`. */
  async retireCurrent(tx: Transaction, now: number, publishedUntil: number): Promise<void> {
    await tx.manager.getRepository(SigningKey).update({ retiredAt: IsNull() }, { retiredAt: now, publishedUntil });
  }

  /**
   * Ends a retired key's publication now (`published_until > now` is false from this instant
   * on). Conditional, so a publication that already ended is never extended.
   */
  async unpublish(tx: Transaction, kid: string, now: number): Promise<void> {
    await tx.manager
      .createQueryBuilder()
      .update(SigningKey)
      .set({ publishedUntil: now })
      .where('kid = :kid AND retired_at IS NOT NULL AND (published_until IS NULL OR published_until > :now)', { kid, now })
      .execute();
  }
}
