import { Injectable } from '@nestjs/common';
import { Database, type Row, type Transaction } from '../database/database.js';

/** A presented refresh token with its family and client, read in one query. */
export interface PresentedRefreshToken {
  id: string;
  familyId: string;
  generation: number;
  expiresAt: number;
  consumedAt: number | null;
  successorId: string | null;
  successorSealed: string | null;
  graceUntil: number | null;
  successorConsumedAt: number | null;
  family: {
    userId: string;
    clientId: string;
    scope: string;
    createdAt: number;
    expiresAt: number;
    revokedAt: number | null;
  };
  /** Null when the client has been deleted. */
  client: { id: string; public: boolean; audience: string } | null;
}

export interface NewRefreshToken {
  id: string;
  familyId: string;
  tokenHash: string;
  generation: number;
  issuedAt: number;
  expiresAt: number;
}

export interface NewFamily {
  id: string;
  userId: string;
  clientId: string;
  scope: string;
  createdAt: number;
  expiresAt: number;
  ip: string | null;
  userAgent: string | null;
}

export interface LiveFamily {
  id: string;
  userId: string;
  clientId: string;
  scope: string;
  rotation: number;
  createdAt: number;
  lastUsedAt: number;
  expiresAt: number;
  ip: string | null;
  userAgent: string | null;
}

const FIND_BY_HASH = `
SELECT t.id, t.family_id, t.generation, t.expires_at, t.consumed_at, t.successor_id, t.successor_sealed,
       t.grace_until, s.consumed_at AS successor_consumed_at,
       f.user_id, f.client_id, f.scope, f.created_at AS family_created_at, f.expires_at AS family_expires_at,
       f.revoked_at, c.id AS client_row_id, c.is_public, c.audience
  FROM refresh_tokens t
  JOIN refresh_token_families f ON f.id = t.family_id
  LEFT JOIN refresh_tokens s ON s.id = t.successor_id
  LEFT JOIN clients c ON c.id = f.client_id
 WHERE t.token_hash = ?`;

const LIVE_FAMILY_COLUMNS = 'id, user_id, client_id, scope, rotation, created_at, last_used_at, expires_at, ip, user_agent';

/** SQL for refresh-token families and tokens. Every state change is a conditional statement. */
@Injectable()
export class RefreshTokenStore {
  constructor(private readonly db: Database) {}

  async findByHash(tokenHash: string): Promise<PresentedRefreshToken | undefined> {
    const [row] = await this.db.query(FIND_BY_HASH, [tokenHash]);
    return row ? this.toPresented(row) : undefined;
  }

  async createFamily(tx: Transaction, family: NewFamily): Promise<void> {
    await tx.execute(
      `INSERT INTO refresh_token_families (id, user_id, client_id, scope, rotation, created_at, expires_at, last_used_at, ip, user_agent)
       VALUES (?, ?, ?, ?, 0, ?, ?, ?, ?, ?)`,
      [family.id, family.userId, family.clientId, family.scope, family.createdAt, family.expiresAt, family.createdAt, family.ip, family.userAgent],
    );
  }

  async insertToken(tx: Transaction, token: NewRefreshToken): Promise<void> {
    await tx.execute(
      'INSERT INTO refresh_tokens (id, family_id, token_hash, generation, issued_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)',
      [token.id, token.familyId, token.tokenHash, token.generation, token.issuedAt, token.expiresAt],
    );
  }

  /**
   * Consumes a live token, naming its successor. Only one caller can win: the row changes
   * only while `consumed_at` is still NULL.
   */
  async consume(
    tx: Transaction,
    tokenId: string,
    now: number,
    successorId: string,
    successorSealed: string | null,
    graceUntil: number | null,
  ): Promise<boolean> {
    const changed = await tx.execute(
      'UPDATE refresh_tokens SET consumed_at = ?, successor_id = ?, successor_sealed = ?, grace_until = ? WHERE id = ? AND consumed_at IS NULL',
      [now, successorId, successorSealed, graceUntil, tokenId],
    );
    return changed === 1;
  }

  /** Moves a live family to its next rotation; false if it was revoked meanwhile. */
  async advanceFamily(tx: Transaction, familyId: string, rotation: number, now: number, ip: string | null, userAgent: string | null): Promise<boolean> {
    const changed = await tx.execute(
      'UPDATE refresh_token_families SET rotation = ?, last_used_at = ?, ip = COALESCE(?, ip), user_agent = COALESCE(?, user_agent) WHERE id = ? AND revoked_at IS NULL',
      [rotation, now, ip, userAgent, familyId],
    );
    return changed === 1;
  }

  /** The successor kept for the grace window is wiped once it has been used. */
  async forgetSuccessor(tx: Transaction, successorId: string): Promise<void> {
    await tx.execute('UPDATE refresh_tokens SET successor_sealed = NULL WHERE successor_id = ? AND successor_sealed IS NOT NULL', [
      successorId,
    ]);
  }

  async isUnconsumed(tx: Transaction, tokenId: string): Promise<boolean> {
    const rows = await tx.query('SELECT 1 AS live FROM refresh_tokens WHERE id = ? AND consumed_at IS NULL', [tokenId]);
    return rows.length === 1;
  }

  /** Revokes a live family; false if it was already revoked. Wipes any kept successor. */
  async revokeFamily(tx: Transaction, familyId: string, now: number, reason: string): Promise<boolean> {
    const changed = await tx.execute(
      'UPDATE refresh_token_families SET revoked_at = ?, revoked_reason = ? WHERE id = ? AND revoked_at IS NULL',
      [now, reason, familyId],
    );
    if (changed === 1) {
      await tx.execute('UPDATE refresh_tokens SET successor_sealed = NULL WHERE family_id = ? AND successor_sealed IS NOT NULL', [familyId]);
    }
    return changed === 1;
  }

  async liveFamilies(tx: Transaction | Database, where: { userId?: string; clientId?: string; familyId?: string }, now: number): Promise<LiveFamily[]> {
    const filters: string[] = ['revoked_at IS NULL', 'expires_at > ?'];
    const params: unknown[] = [now];
    if (where.userId) {
      filters.push('user_id = ?');
      params.push(where.userId);
    }
    if (where.clientId) {
      filters.push('client_id = ?');
      params.push(where.clientId);
    }
    if (where.familyId) {
      filters.push('id = ?');
      params.push(where.familyId);
    }
    const rows = await tx.query(
      `SELECT ${LIVE_FAMILY_COLUMNS} FROM refresh_token_families WHERE ${filters.join(' AND ')} ORDER BY created_at DESC`,
      params,
    );
    return rows.map((row) => ({
      id: String(row.id),
      userId: String(row.user_id),
      clientId: String(row.client_id),
      scope: String(row.scope),
      rotation: this.db.num(row.rotation),
      createdAt: this.db.num(row.created_at),
      lastUsedAt: this.db.num(row.last_used_at),
      expiresAt: this.db.num(row.expires_at),
      ip: (row.ip as string | null) ?? null,
      userAgent: (row.user_agent as string | null) ?? null,
    }));
  }

  /** Wipes successors whose grace window has ended. */
  async wipeExpiredGrace(now: number): Promise<number> {
    return this.db.transaction((tx) =>
      tx.execute('UPDATE refresh_tokens SET successor_sealed = NULL, grace_until = NULL WHERE grace_until IS NOT NULL AND grace_until <= ?', [now]),
    );
  }

  /**
   * One batch of ended families (revoked or past their absolute expiry before `before`) and
   * their tokens. Ended is final (nothing un-revokes a family or moves its expiry), so both
   * statements select the same families (the cutoff is fixed and in the past).
   */
  async purgeEndedFamilies(before: number, limit: number): Promise<number> {
    const ended = `SELECT id FROM refresh_token_families WHERE expires_at < ? OR revoked_at < ? ORDER BY id LIMIT ?`;
    return this.db.transaction(async (tx) => {
      await tx.execute(`DELETE FROM refresh_tokens WHERE family_id IN (${ended})`, [before, before, limit]);
      return tx.execute(`DELETE FROM refresh_token_families WHERE id IN (${ended})`, [before, before, limit]);
    });
  }

  /** When a token was issued, for introspection (`iat`). */
  async issuedAt(tokenId: string): Promise<number | undefined> {
    const [row] = await this.db.query('SELECT issued_at FROM refresh_tokens WHERE id = ?', [tokenId]);
    return row ? this.db.num(row.issued_at) : undefined;
  }

  private toPresented(row: Row): PresentedRefreshToken {
    const num = (value: unknown) => this.db.num(value, true);
    return {
      id: String(row.id),
      familyId: String(row.family_id),
      generation: this.db.num(row.generation),
      expiresAt: this.db.num(row.expires_at),
      consumedAt: num(row.consumed_at),
      successorId: (row.successor_id as string | null) ?? null,
      successorSealed: (row.successor_sealed as string | null) ?? null,
      graceUntil: num(row.grace_until),
      successorConsumedAt: num(row.successor_consumed_at),
      family: {
        userId: String(row.user_id),
        clientId: String(row.client_id),
        scope: String(row.scope),
        createdAt: this.db.num(row.family_created_at),
        expiresAt: this.db.num(row.family_expires_at),
        revokedAt: num(row.revoked_at),
      },
      client: row.client_row_id
        ? { id: String(row.client_row_id), public: this.db.bool(row.is_public), audience: String(row.audience) }
        : null,
    };
  }
}
