import { Injectable } from '@nestjs/common';
import { IsNull, MoreThan, Repository, type FindOptionsWhere } from 'typeorm';
import type { BatchOutcome } from '../database/batched-purge.js';
import { Database, type Statement, type Transaction } from '../database/database.js';
import { INSERT_EVENT, type PreparedEvent } from '../outbox/outbox.writer.js';
import { RefreshTokenFamily } from './refresh-token-family.entity.js';
import { RefreshToken } from './refresh-token.entity.js';
import type { UserRecord } from '../users/user-store.js';
import { userRecordOf } from '../users/user.repository.js';

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
  /**
   * The family's user as the built-in user store keeps it (the `users` table), read with
   * the token; null when that table does not hold the user (deleted, or a host's own store).
   */
  storedUser: UserRecord | null;
}

export interface NewRefreshToken {
  id: string;
  familyId: string;
  /** refreshTokenKey() of the token. */
  tokenKey: string;
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

/** A live family: not revoked, not past its absolute expiry. */
export type LiveFamily = Omit<RefreshTokenFamily, 'revokedAt' | 'revokedReason'>;

/** Its rows are read as arrays (toPresented() names the columns in this order). */
const FIND_BY_KEY = `
SELECT t.id, t.family_id, t.generation, t.expires_at, t.consumed_at, t.successor_id, t.successor_sealed,
       t.grace_until, s.consumed_at AS successor_consumed_at,
       f.user_id, f.client_id, f.scope, f.created_at AS family_created_at, f.expires_at AS family_expires_at,
       f.revoked_at, c.id AS client_row_id, c.is_public, c.audience,
       u.id AS user_row_id, u.login_id, u.roles AS user_roles, u.disabled AS user_disabled
  FROM refresh_tokens t
  JOIN refresh_token_families f ON f.id = t.family_id
  LEFT JOIN refresh_tokens s ON s.id = t.successor_id
  LEFT JOIN clients c ON c.id = f.client_id
  LEFT JOIN users u ON u.id = f.user_id
 WHERE t.token_hash = ?`;

/**
 * PostgreSQL: a whole rotation as one statement, so one round trip and one commit. The family
 * row is locked first, live or not at all (a revocation that commits meanwhile is waited for,
 * and then there is no live family); the consume is then the conditional UPDATE that decides,
 * as in the transaction SQLite runs, and every other write depends on it. So the statement
 * writes the whole rotation or nothing, and locks the family before its tokens, in the order
 * a revocation does. Rotations issued together commit together, in family order (see
 * Database.writeTogether).
 */
const ROTATE_AT_ONCE = `
WITH family AS (
  SELECT id FROM refresh_token_families WHERE id = $6 AND revoked_at IS NULL FOR UPDATE
), consumed AS (
  UPDATE refresh_tokens SET consumed_at = $1, successor_id = $2, successor_sealed = $3, grace_until = $4
   WHERE id = $5 AND consumed_at IS NULL AND EXISTS (SELECT 1 FROM family)
  RETURNING id
), advanced AS (
  UPDATE refresh_token_families SET rotation = $7, last_used_at = $1, ip = COALESCE($8, ip), user_agent = COALESCE($9, user_agent)
   WHERE id = $6 AND EXISTS (SELECT 1 FROM consumed)
), successor AS (
  INSERT INTO refresh_tokens (id, family_id, token_hash, generation, issued_at, expires_at)
  SELECT $2::varchar, $6::varchar, $10::varchar, $7::integer, $1::bigint, $11::bigint WHERE EXISTS (SELECT 1 FROM consumed)
), forgotten AS (
  UPDATE refresh_tokens SET successor_sealed = NULL, grace_until = NULL
   WHERE $12::boolean AND family_id = $6 AND successor_id = $5 AND successor_sealed IS NOT NULL AND EXISTS (SELECT 1 FROM consumed)
), event AS (
  INSERT INTO outbox_events (id, type, payload, created_at, processed_at)
  SELECT $13::varchar, $14::varchar, $15::text, $16::bigint, $17::bigint WHERE EXISTS (SELECT 1 FROM consumed)
)
SELECT EXISTS (SELECT 1 FROM consumed) AS consumed`;

/**
 * The ended families a purge batch takes: revoked or past their absolute expiry before a
 * cutoff, at most a number of them, and only while the tokens of those before each stay
 * under a bound (a family holds `rotation + 1` tokens), so the first is always taken. Ended
 * is final (nothing un-revokes a family, moves its expiry or rotates it), so every statement
 * of a batch selects the same families. Parameters: cutoff, cutoff, families, tokens.
 */
const ENDED_FAMILIES = `SELECT id FROM (
    SELECT id, SUM(rotation + 1) OVER (ORDER BY id ROWS UNBOUNDED PRECEDING) - (rotation + 1) AS tokens_before
      FROM (SELECT id, rotation FROM refresh_token_families WHERE expires_at < ? OR revoked_at < ? ORDER BY id LIMIT ?) AS candidates
  ) AS batch WHERE tokens_before < ?`;

/**
 * Statements that find tokens by family. Only first tokens are indexed by family, and the
 * rows keeping a successor (idx_refresh_tokens_kept_successor); exported so that a spec can
 * check that each is answered from those indexes, never by a scan of the table.
 */
export const FAMILY_STATEMENTS = {
  /** Ends the grace window of a family's token whose successor has just been used. */
  forgetSuccessor: 'UPDATE refresh_tokens SET successor_sealed = NULL, grace_until = NULL WHERE family_id = ? AND successor_id = ? AND successor_sealed IS NOT NULL',
  /** Wipes every successor a (just revoked) family keeps. */
  wipeKept: 'UPDATE refresh_tokens SET successor_sealed = NULL, grace_until = NULL WHERE family_id = ? AND successor_sealed IS NOT NULL',
  /**
   * The tokens of a batch of ended families, found along each family's chain: its first token
   * (the only tokens indexed by family), then each one's successor by primary key. A token is
   * only ever inserted as a family's first, or as the successor its predecessor names in the
   * same transaction, so the chain holds them all. UNION, not UNION ALL: a chain that met
   * itself would end rather than loop.
   */
  purgeTokens: `WITH RECURSIVE chain(id) AS (
    SELECT id FROM refresh_tokens WHERE generation = 0 AND family_id IN (${ENDED_FAMILIES})
    UNION
    SELECT t.successor_id FROM chain JOIN refresh_tokens t ON t.id = chain.id WHERE t.successor_id IS NOT NULL
  )
  DELETE FROM refresh_tokens WHERE id IN (SELECT id FROM chain)`,
  /** The same batch of ended families, after their tokens. */
  purgeFamilies: `DELETE FROM refresh_token_families WHERE id IN (${ENDED_FAMILIES})`,
} as const;

/** Prepared: one insert per refresh, where TypeORM's insert would cost more than the statement. */
const INSERT_TOKEN = 'INSERT INTO refresh_tokens (id, family_id, token_hash, generation, issued_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)';

function tokenRow(token: NewRefreshToken): unknown[] {
  return [token.id, token.familyId, token.tokenKey, token.generation, token.issuedAt, token.expiresAt];
}

/** What a rotation writes, whichever way it is written. */
export interface Rotation {
  tokenId: string;
  familyId: string;
  now: number;
  successor: NewRefreshToken;
  successorSealed: string | null;
  graceUntil: number | null;
  ip: string | null;
  userAgent: string | null;
  /** Wipe the kept successor of the token before this one (its grace window ends with this use). */
  forgetPredecessor: boolean;
}

/**
 * Refresh-token families and their tokens. Plain reads and writes go through TypeORM; the
 * statements of the refresh path are hand-written and prepared, each saying what it
 * guarantees: every state change there is one conditional statement whose row count decides.
 */
@Injectable()
export class RefreshTokenRepository {
  private readonly tokens: Repository<RefreshToken>;

  constructor(private readonly db: Database) {
    this.tokens = db.dataSource.getRepository(RefreshToken);
  }

  /** The refresh path's one read: the token, its family, its successor's state, its client and its stored user, in one prepared statement. */
  async findByKey(key: string): Promise<PresentedRefreshToken | undefined> {
    const [row] = await this.db.queryArrays(FIND_BY_KEY, [key]);
    return row ? this.toPresented(row) : undefined;
  }

  async createFamily(tx: Transaction, family: NewFamily): Promise<void> {
    await tx.manager.getRepository(RefreshTokenFamily).insert({ ...family, rotation: 0, lastUsedAt: family.createdAt, revokedAt: null, revokedReason: null });
  }

  async insertToken(tx: Transaction, token: NewRefreshToken): Promise<void> {
    await tx.execute(INSERT_TOKEN, tokenRow(token));
  }

  /**
   * SQLite: a whole rotation and its event, in the caller's transaction. The consume comes
   * first and decides: only one caller can win it, as the row changes only while
   * `consumed_at` is still NULL. Unless it changed the row (`consumed`) and the family was
   * live (`advanced`), the caller must roll the transaction back whole, the statements
   * issued behind it included.
   */
  async writeRotation(tx: Transaction, rotation: Rotation, event: PreparedEvent['row']): Promise<{ consumed: boolean; advanced: boolean }> {
    const { successor } = rotation;
    const statements: Statement[] = [
      [
        'UPDATE refresh_tokens SET consumed_at = ?, successor_id = ?, successor_sealed = ?, grace_until = ? WHERE id = ? AND consumed_at IS NULL',
        [rotation.now, successor.id, rotation.successorSealed, rotation.graceUntil, rotation.tokenId],
      ],
      // Moves a live family to the successor; changes nothing if it was revoked meanwhile.
      [
        'UPDATE refresh_token_families SET rotation = ?, last_used_at = ?, ip = COALESCE(?, ip), user_agent = COALESCE(?, user_agent) WHERE id = ? AND revoked_at IS NULL',
        [successor.generation, rotation.now, rotation.ip, rotation.userAgent, rotation.familyId],
      ],
      [INSERT_TOKEN, tokenRow(successor)],
      [INSERT_EVENT, event],
    ];
    // The successor kept for the predecessor's grace window is wiped once it has been used,
    // and that window ends with it, so the grace sweep finds nothing left to do for it.
    if (rotation.forgetPredecessor) statements.push([FAMILY_STATEMENTS.forgetSuccessor, [rotation.familyId, rotation.tokenId]]);
    const [consumed, advanced] = await tx.executeEach(statements);
    return { consumed: consumed === 1, advanced: advanced === 1 };
  }

  /**
   * PostgreSQL: the rotation and its event in one statement (ROTATE_AT_ONCE), committed with
   * the rotations issued in the same turn. False, with nothing written, when another request
   * consumed the token first or the family is no longer live: the caller reads the token
   * again, as after a lost race.
   */
  async rotateAtOnce(rotation: Rotation, event: readonly unknown[]): Promise<boolean> {
    const { successor } = rotation;
    const [row] = await this.db.writeTogether<{ consumed: boolean }>(
      ROTATE_AT_ONCE,
      [
      rotation.now,
      successor.id,
      rotation.successorSealed,
      rotation.graceUntil,
      rotation.tokenId,
      rotation.familyId,
      successor.generation,
      rotation.ip,
      rotation.userAgent,
      successor.tokenKey,
      successor.expiresAt,
      rotation.forgetPredecessor,
      ...event,
      ],
      rotation.familyId,
    );
    return row.consumed === true;
  }

  /** Read inside the replay's transaction, so the answer holds until it commits. */
  async isUnconsumed(tx: Transaction, tokenId: string): Promise<boolean> {
    const rows = await tx.query('SELECT 1 AS live FROM refresh_tokens WHERE id = ? AND consumed_at IS NULL', [tokenId]);
    return rows.length === 1;
  }

  /** Revokes a live family; false if it was already revoked. Wipes any kept successor, ending its grace window. */
  async revokeFamily(tx: Transaction, familyId: string, now: number, reason: string): Promise<boolean> {
    const changed = await tx.execute(
      'UPDATE refresh_token_families SET revoked_at = ?, revoked_reason = ? WHERE id = ? AND revoked_at IS NULL',
      [now, reason, familyId],
    );
    if (changed === 1) {
      await tx.execute(FAMILY_STATEMENTS.wipeKept, [familyId]);
    }
    return changed === 1;
  }

  /** Live families matching every given filter, newest first. */
  async liveFamilies(tx: Transaction | Database, where: { userId?: string; clientId?: string; familyId?: string }, now: number): Promise<LiveFamily[]> {
    const filter: FindOptionsWhere<RefreshTokenFamily> = { revokedAt: IsNull(), expiresAt: MoreThan(now) };
    if (where.userId) filter.userId = where.userId;
    if (where.clientId) filter.clientId = where.clientId;
    if (where.familyId) filter.id = where.familyId;
    const manager = tx instanceof Database ? tx.dataSource.manager : tx.manager;
    return manager.getRepository(RefreshTokenFamily).find({ where: filter, order: { createdAt: 'DESC' } });
  }

  /**
   * One batch of the grace sweep: wipes at most `limit` kept successors whose window has
   * ended. Hand-written, bounded like the purges: at a few thousand rotations a second, a
   * sweep every few seconds has tens of thousands of rows to wipe, and one statement for all
   * of them held SQLite's single writer, and the event loop, for tens of milliseconds.
   */
  async wipeExpiredGrace(now: number, limit: number): Promise<number> {
    // PostgreSQL: rows a rotation holds are left for the next sweep, rather than waited for in
    // an order of their own (rotations lock in family order, the sweep in grace order).
    const skipLocked = this.db.kind === 'postgres' ? ' FOR UPDATE SKIP LOCKED' : '';
    return this.db.transaction((tx) =>
      tx.execute(
        `UPDATE refresh_tokens SET successor_sealed = NULL, grace_until = NULL
          WHERE id IN (SELECT id FROM refresh_tokens WHERE grace_until <= ? ORDER BY grace_until LIMIT ?${skipLocked})`,
        [now, limit],
      ),
    );
  }

  /**
   * Hand-written: a bounded batch (DELETE … IN (SELECT … LIMIT)), which TypeORM cannot express.
   * One batch of families that ended before `before`, with their tokens
   * (FAMILY_STATEMENTS.purgeTokens): at most `limit` families, and no more families once
   * those before hold `maxTokens` tokens. `full` when either bound stopped the batch, so more
   * may be left.
   */
  async purgeEndedFamilies(before: number, limit: number, maxTokens: number): Promise<BatchOutcome> {
    const params = [before, before, limit, maxTokens];
    return this.db.transaction(async (tx) => {
      const tokens = await tx.execute(FAMILY_STATEMENTS.purgeTokens, params);
      const removed = await tx.execute(FAMILY_STATEMENTS.purgeFamilies, params);
      return { removed, full: removed >= limit || tokens >= maxTokens };
    });
  }

  /** When a token was issued, for introspection (`iat`). */
  async issuedAt(tokenId: string): Promise<number | undefined> {
    return (await this.tokens.findOne({ select: { id: true, issuedAt: true }, where: { id: tokenId } }))?.issuedAt;
  }

  /** A FIND_BY_KEY row, its columns in the statement's order. */
  private toPresented(row: unknown[]): PresentedRefreshToken {
    const [
      id,
      familyId,
      generation,
      expiresAt,
      consumedAt,
      successorId,
      successorSealed,
      graceUntil,
      successorConsumedAt,
      userId,
      clientId,
      scope,
      familyCreatedAt,
      familyExpiresAt,
      revokedAt,
      clientRowId,
      isPublic,
      audience,
      userRowId,
      loginId,
      userRoles,
      userDisabled,
    ] = row;
    const num = (value: unknown) => this.db.num(value, true);
    return {
      id: String(id),
      familyId: String(familyId),
      generation: this.db.num(generation),
      expiresAt: this.db.num(expiresAt),
      consumedAt: num(consumedAt),
      successorId: (successorId as string | null) ?? null,
      successorSealed: (successorSealed as string | null) ?? null,
      graceUntil: num(graceUntil),
      successorConsumedAt: num(successorConsumedAt),
      family: {
        userId: String(userId),
        clientId: String(clientId),
        scope: String(scope),
        createdAt: this.db.num(familyCreatedAt),
        expiresAt: this.db.num(familyExpiresAt),
        revokedAt: num(revokedAt),
      },
      client: clientRowId ? { id: String(clientRowId), public: this.db.bool(isPublic), audience: String(audience) } : null,
      storedUser: userRowId
        ? userRecordOf({ id: String(userRowId), login_id: String(loginId), roles: String(userRoles), disabled: userDisabled }, this.db)
        : null,
    };
  }
}
