import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Clock } from '../common/clock.js';
import { timeOrderedId } from '../common/crypto/time-ordered-id.js';
import { SecretBox } from '../common/crypto/secret-box.js';
import { DomainError } from '../common/errors/domain-error.js';
import { MAX_REFRESH_TOKEN_LENGTH } from '../common/token-limits.js';
import { authConfig, type AuthConfig } from '../config/auth.config.js';
import type { ClientRecord } from '../clients/clients.service.js';
import { Database } from '../database/database.js';
import { USER_STORE, type UserRecord, type UserStore } from '../users/user-store.js';
import { UsersService } from '../users/users.service.js';
import { AccessTokenService, type PreparedAccessToken } from './access-token.service.js';
import { TokenEventWriter, type EventFamily } from './events/token-event.writer.js';
import type { TokenReuseDetectedData } from './events/token-events.js';
import { REFRESH_METRICS, type RefreshMetrics } from './refresh-metrics.js';
import { newRefreshToken, refreshTokenKey } from './refresh-token-key.js';
import { RefreshTokenRepository, type PresentedRefreshToken, type Rotation } from './refresh-token.repository.js';

/** Where a request came from, for the event and the session list. */
export interface RequestContext {
  ip?: string | null;
  userAgent?: string | null;
}

export interface IssueRequest extends RequestContext {
  user: UserRecord;
  client: ClientRecord;
  /** Granted scope; defaults to every scope of the client. */
  scope?: string[];
}

export interface RefreshRequest extends RequestContext {
  refreshToken: string;
  /**
   * The authenticated client (OAuth token endpoint), or null for the cookie-or-body
   * endpoints, which serve public clients only.
   */
  client: ClientRecord | null;
  /** A narrower scope for the new access token only (RFC 6749 §6). */
  scope?: string[];
  /**
   * The user and family of an access token presented beside the refresh token: a refresh
   * token of another user or family is then refused before anything is consumed.
   */
  boundTo?: { userId: string; familyId: string };
  /** The token's read, started before the client authenticated (readAhead); used when it is of this very token. */
  readAhead?: RefreshTokenRead;
}

/** A refresh token's read in progress (TokenService.readAhead). */
export interface RefreshTokenRead {
  readonly key: string;
  readonly presented: Promise<PresentedRefreshToken | undefined>;
}

export interface IssuedTokens {
  accessToken: string;
  refreshToken: string;
  /** The family id: `refreshTokenId` to clients, `sid` in the access token. */
  familyId: string;
  userId: string;
  clientId: string;
  expiresIn: number;
  /** The access token's scope. */
  scope: string[];
  /** When the returned refresh token stops working (idle or absolute, whichever is first). */
  refreshTokenExpiresAt: number;
}

/** Whether a string is worth looking up as a refresh token (the lengths any of ours can have). */
const presentable = (refreshToken: string): boolean => refreshToken.length > 0 && refreshToken.length <= MAX_REFRESH_TOKEN_LENGTH;

const invalidGrant = (message = 'The refresh token is invalid, expired or revoked') => new DomainError('invalid_grant', message);

/** Lost a race on the conditional UPDATE: the token was consumed by someone else. */
class RotationRaceLost extends Error {}

/** invalid_grant because the token was reused: counted apart from other invalid tokens. */
class RefreshTokenReused extends DomainError {
  constructor() {
    super('invalid_grant', 'The refresh token is invalid, expired or revoked');
  }
}

/**
 * Issues token pairs and rotates refresh tokens: one live token per family, absolute and
 * idle lifetimes, a grace window that returns the same successor, and reuse detection
 * that revokes the whole family.
 */
@Injectable()
export class TokenService {
  private readonly logger = new Logger(TokenService.name);
  /**
   * The built-in user store keeps users in our own tables, so the refresh read brings the
   * user along (one statement fewer per refresh). A host's own store is asked.
   */
  private readonly usersReadWithToken: boolean;

  constructor(
    private readonly db: Database,
    private readonly store: RefreshTokenRepository,
    private readonly accessTokens: AccessTokenService,
    private readonly box: SecretBox,
    private readonly events: TokenEventWriter,
    private readonly clock: Clock,
    @Inject(USER_STORE) private readonly users: UserStore,
    @Inject(authConfig.KEY) private readonly config: AuthConfig,
    @Optional() @Inject(REFRESH_METRICS) private readonly metrics?: RefreshMetrics,
  ) {
    this.usersReadWithToken = users instanceof UsersService;
  }

  /** Starts a family (a login) and returns its first pair. */
  async issue(request: IssueRequest): Promise<IssuedTokens> {
    const { user, client } = request;
    if (user.disabled) throw new DomainError('invalid_grant', 'The user is disabled');
    const scope = request.scope ?? client.scopes;
    const now = this.clock.now();
    const familyId = randomUUID();
    const refreshToken = newRefreshToken(now);
    const familyExpiresAt = now + this.config.refreshTokenTtl * 1000;
    const tokenExpiresAt = Math.min(now + this.config.refreshTokenIdleTtl * 1000, familyExpiresAt);
    const prepared = this.accessTokens.prepare({
      userId: user.id,
      clientId: client.clientId,
      audience: client.audience,
      scope,
      roles: user.roles,
      familyId,
    });
    const signature = this.accessTokens.sign(prepared);
    signature.catch(() => undefined); // awaited below, unless the transaction fails first
    const context = { ip: request.ip ?? null, userAgent: request.userAgent ?? null };
    await this.db.transaction(async (tx) => {
      await this.store.createFamily(tx, {
        id: familyId,
        userId: user.id,
        clientId: client.clientId,
        scope: scope.join(' '),
        createdAt: now,
        expiresAt: familyExpiresAt,
        ...context,
      });
      await this.store.insertToken(tx, {
        id: timeOrderedId(now),
        familyId,
        tokenKey: refreshTokenKey(refreshToken),
        generation: 0,
        issuedAt: now,
        expiresAt: tokenExpiresAt,
      });
      await this.events.issued(tx, { userId: user.id, clientId: client.clientId, familyId, scope: scope.join(' ') }, prepared, context, now);
    });
    return {
      accessToken: await signature,
      refreshToken,
      familyId,
      userId: user.id,
      clientId: client.clientId,
      expiresIn: prepared.expiresIn,
      scope,
      refreshTokenExpiresAt: tokenExpiresAt,
    };
  }

  /**
   * Starts reading a presented refresh token before refresh() is asked for it, so that the read
   * can travel with others (on PostgreSQL, the client's authentication: one round trip instead
   * of two). Only a read: nothing is decided or written until refresh(). Undefined when the
   * string cannot be a refresh token; a read nobody uses is dropped, its failure included.
   */
  readAhead(refreshToken: string): RefreshTokenRead | undefined {
    if (!presentable(refreshToken)) return undefined;
    const key = refreshTokenKey(refreshToken);
    const presented = this.store.findByKey(key);
    presented.catch(() => undefined); // refresh() awaits it, if the request gets that far
    return { key, presented };
  }

  /** Consumes a refresh token and returns its successor, or fails as `invalid_grant`. */
  async refresh(request: RefreshRequest): Promise<IssuedTokens> {
    try {
      return await this.consumeAndRotate(request);
    } catch (error) {
      this.metrics?.refreshOutcome(
        error instanceof RefreshTokenReused ? 'reuse' : error instanceof DomainError ? (error.code === 'invalid_scope' ? 'invalid_scope' : 'invalid') : 'error',
      );
      throw error;
    }
  }

  private async consumeAndRotate(request: RefreshRequest): Promise<IssuedTokens> {
    if (!presentable(request.refreshToken)) throw invalidGrant();
    const key = refreshTokenKey(request.refreshToken);
    const readAhead = request.readAhead?.key === key ? request.readAhead.presented : undefined;
    // Two attempts: a lost race on the conditional UPDATE re-reads the token, which is
    // then consumed and follows the grace-or-reuse rules.
    for (let attempt = 0; attempt < 2; attempt++) {
      // A retry after a lost race reads afresh.
      const presented = await (attempt === 0 && readAhead ? readAhead : this.store.findByKey(key));
      if (!presented) throw invalidGrant();
      const scope = this.checkPresentable(presented, request);
      if (request.boundTo && (request.boundTo.userId !== presented.family.userId || request.boundTo.familyId !== presented.familyId)) {
        throw new DomainError('invalid_token', 'The access token does not belong to the refresh token');
      }
      const user = this.usersReadWithToken ? presented.storedUser : await this.users.findById(presented.family.userId);
      if (!user || user.disabled) throw invalidGrant();
      try {
        return await this.rotateOrReplay(presented, user, scope, request);
      } catch (error) {
        if (!(error instanceof RotationRaceLost)) throw error;
      }
    }
    throw invalidGrant();
  }

  /** Validates what needs no write, and returns the access token's scope. Nothing is consumed here. */
  private checkPresentable(token: PresentedRefreshToken, request: RefreshRequest): string[] {
    const { family, client } = token;
    if (!client) throw invalidGrant();
    // Answered exactly as an unknown token: another client must not learn that a token string is live.
    if (request.client === null ? !client.public : request.client.clientId !== family.clientId) throw invalidGrant();
    const now = this.clock.now();
    if (family.revokedAt !== null || family.expiresAt <= now) throw invalidGrant();
    const granted = family.scope.split(' ').filter(Boolean);
    if (request.scope === undefined) return granted;
    const wider = request.scope.filter((scope) => !granted.includes(scope));
    if (wider.length > 0) throw new DomainError('invalid_scope', `Scope not granted to this refresh token: ${wider.join(' ')}`);
    return request.scope;
  }

  private async rotateOrReplay(token: PresentedRefreshToken, user: UserRecord, scope: string[], request: RefreshRequest): Promise<IssuedTokens> {
    const now = this.clock.now();
    if (token.consumedAt !== null) {
      if (this.withinGrace(token, now)) return this.replay(token, user, scope, request);
      return this.detectReuse(token, request, now);
    }
    if (token.expiresAt <= now) throw invalidGrant();
    return this.rotate(token, user, scope, request, now);
  }

  /**
   * A consumed token inside its grace window, with the successor still unused: refresh hands
   * out the same successor again, and logout treats it as live. Past that it is reuse.
   */
  withinGrace(token: PresentedRefreshToken, now: number): boolean {
    return (
      token.graceUntil !== null &&
      now < token.graceUntil &&
      token.successorSealed !== null &&
      token.successorConsumedAt === null
    );
  }

  private async rotate(token: PresentedRefreshToken, user: UserRecord, scope: string[], request: RefreshRequest, now: number): Promise<IssuedTokens> {
    const { family } = token;
    const successor = newRefreshToken(now);
    const successorId = timeOrderedId(now);
    const rotation = token.generation + 1;
    const successorExpiresAt = Math.min(now + this.config.refreshTokenIdleTtl * 1000, family.expiresAt);
    const grace = this.config.reuseGraceSeconds * 1000;
    const sealed = grace > 0 ? this.box.seal(successor, `grace:${token.id}`) : null;
    const prepared = this.prepareAccessToken(token, user, scope);
    const signature = this.accessTokens.sign(prepared);
    signature.catch(() => undefined); // awaited below, unless the transaction fails first
    const context = { ip: request.ip ?? null, userAgent: request.userAgent ?? null };
    const write: Rotation = {
      tokenId: token.id,
      familyId: token.familyId,
      now,
      successor: { id: successorId, familyId: token.familyId, tokenKey: refreshTokenKey(successor), generation: rotation, issuedAt: now, expiresAt: successorExpiresAt },
      successorSealed: sealed,
      graceUntil: grace > 0 ? now + grace : null,
      ip: context.ip,
      userAgent: context.userAgent,
      forgetPredecessor: grace > 0 && token.generation > 0,
    };
    const event = this.events.prepareRefreshed(eventFamily(token), rotation, prepared, context, now);
    if (this.db.kind === 'postgres') {
      // Nothing written: the token or its family changed since it was read; read it again.
      if (!(await this.store.rotateAtOnce(write, event.row))) throw new RotationRaceLost();
    } else {
      await this.db.transaction(async (tx) => {
        // Thrown, the transaction rolls back whole.
        const { consumed, advanced } = await this.store.writeRotation(tx, write, event.row);
        if (!consumed) throw new RotationRaceLost();
        if (!advanced) throw invalidGrant();
      });
    }
    this.events.announce(event);
    const accessToken = await signature;
    this.metrics?.refreshOutcome('success');
    return this.result(token, prepared, accessToken, successor, successorExpiresAt, scope);
  }

  private async replay(token: PresentedRefreshToken, user: UserRecord, scope: string[], request: RefreshRequest): Promise<IssuedTokens> {
    const successor = this.box.openText(token.successorSealed!, `grace:${token.id}`);
    const prepared = this.prepareAccessToken(token, user, scope);
    const signature = this.accessTokens.sign(prepared);
    signature.catch(() => undefined); // awaited below, unless the transaction fails first
    const context = { ip: request.ip ?? null, userAgent: request.userAgent ?? null };
    await this.db.transaction(async (tx) => {
      // The successor may have been used since we read it: then this is reuse after all.
      if (!(await this.store.isUnconsumed(tx, token.successorId!))) throw new RotationRaceLost();
      await this.events.refreshed(tx, eventFamily(token), token.generation + 1, prepared, context, true, this.clock.now());
    });
    this.logger.debug(`Grace replay in family ${token.familyId}`);
    const successorExpiresAt = Math.min(token.consumedAt! + this.config.refreshTokenIdleTtl * 1000, token.family.expiresAt);
    const accessToken = await signature;
    this.metrics?.refreshOutcome('replay');
    return this.result(token, prepared, accessToken, successor, successorExpiresAt, scope);
  }

  /** A consumed token outside its grace: whoever holds it, the family is no longer trusted. */
  private async detectReuse(token: PresentedRefreshToken, request: RefreshRequest, now: number): Promise<never> {
    await this.revokeForReuse(token, request, now);
    throw new RefreshTokenReused();
  }

  /**
   * Reuse of a consumed token past its grace window (at refresh or logout): revokes the
   * family and emits `token.reuse_detected` with `token.revoked`, once per family.
   */
  async revokeForReuse(token: PresentedRefreshToken, request: RequestContext, now: number = this.clock.now()): Promise<void> {
    const reason: TokenReuseDetectedData['reason'] = token.successorConsumedAt !== null ? 'stale_token' : 'reuse_after_grace';
    const revoked = await this.db.transaction(async (tx) => {
      if (!(await this.store.revokeFamily(tx, token.familyId, now, 'reuse_detected'))) return false;
      await this.events.reuseDetected(tx, eventFamily(token), token.generation, request, reason, now);
      await this.events.revoked(tx, eventFamily(token), token.generation, request, 'reuse_detected', now);
      return true;
    });
    if (revoked) {
      this.logger.warn(`Refresh token reuse detected (${reason}); family ${token.familyId} revoked`);
      this.metrics?.reuseDetected();
    }
  }

  private prepareAccessToken(token: PresentedRefreshToken, user: UserRecord, scope: string[]): PreparedAccessToken {
    return this.accessTokens.prepare({
      userId: user.id,
      clientId: token.family.clientId,
      audience: token.client!.audience,
      scope,
      roles: user.roles,
      familyId: token.familyId,
    });
  }

  private result(
    token: PresentedRefreshToken,
    prepared: PreparedAccessToken,
    accessToken: string,
    refreshToken: string,
    refreshTokenExpiresAt: number,
    scope: string[],
  ): IssuedTokens {
    return {
      accessToken,
      refreshToken,
      familyId: token.familyId,
      userId: token.family.userId,
      clientId: token.family.clientId,
      expiresIn: prepared.expiresIn,
      scope,
      refreshTokenExpiresAt,
    };
  }
}

function eventFamily(token: PresentedRefreshToken): EventFamily {
  return { userId: token.family.userId, clientId: token.family.clientId, familyId: token.familyId, scope: token.family.scope };
}
