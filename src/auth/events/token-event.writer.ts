import { Injectable } from '@nestjs/common';
import type { Transaction } from '../../database/database.js';
import { OutboxWriter, type PreparedEvent } from '../../outbox/outbox.writer.js';
import type { PreparedAccessToken } from '../access-token.service.js';
import { TokenEvents, type TokenEvent, type TokenReuseDetectedData } from './token-events.js';

/** The family an event is about, as every token event describes it. */
export interface EventFamily {
  userId: string;
  clientId: string;
  familyId: string;
  /** Space-delimited, as granted. */
  scope: string;
}

export interface EventContext {
  ip?: string | null;
  userAgent?: string | null;
}

/**
 * The one place token event payloads are built. Each event is recorded in the caller's
 * transaction; the outbox announces it after commit.
 */
@Injectable()
export class TokenEventWriter {
  constructor(private readonly outbox: OutboxWriter) {}

  issued(tx: Transaction, family: EventFamily, prepared: PreparedAccessToken, context: EventContext, now: number): Promise<TokenEvent<'token.issued'>> {
    return this.outbox.record(tx, TokenEvents.Issued, { ...base(family, 0, context), ...accessTokenFacts(prepared) }, now);
  }

  /** The access token's own scope is reported (a narrower one may have been asked for). */
  refreshed(
    tx: Transaction,
    family: EventFamily,
    rotation: number,
    prepared: PreparedAccessToken,
    context: EventContext,
    replay: boolean,
    now: number,
  ): Promise<TokenEvent<'token.refreshed'>> {
    return this.outbox.record(tx, TokenEvents.Refreshed, refreshedData(family, rotation, prepared, context, replay), now);
  }

  /**
   * `token.refreshed` as a row for a statement that inserts it itself (the PostgreSQL
   * rotation); announce() it once that statement has committed.
   */
  prepareRefreshed(family: EventFamily, rotation: number, prepared: PreparedAccessToken, context: EventContext, now: number): PreparedEvent {
    return this.outbox.prepare(TokenEvents.Refreshed, refreshedData(family, rotation, prepared, context, false), now);
  }

  announce(event: PreparedEvent): void {
    this.outbox.announce(event);
  }

  reuseDetected(
    tx: Transaction,
    family: EventFamily,
    rotation: number,
    context: EventContext,
    reason: TokenReuseDetectedData['reason'],
    now: number,
  ): Promise<TokenEvent<'token.reuse_detected'>> {
    return this.outbox.record(tx, TokenEvents.ReuseDetected, { ...base(family, rotation, context), reason }, now);
  }

  revoked(tx: Transaction, family: EventFamily, rotation: number, context: EventContext, reason: string, now: number): Promise<TokenEvent<'token.revoked'>> {
    return this.outbox.record(tx, TokenEvents.Revoked, { ...base(family, rotation, context), reason }, now);
  }
}

function base(family: EventFamily, rotation: number, context: EventContext) {
  return {
    userId: family.userId,
    clientId: family.clientId,
    familyId: family.familyId,
    rotation,
    scope: family.scope,
    ip: context.ip ?? null,
    userAgent: context.userAgent ?? null,
  };
}

function refreshedData(family: EventFamily, rotation: number, prepared: PreparedAccessToken, context: EventContext, replay: boolean) {
  const scope = Array.isArray(prepared.claims.scope) ? prepared.claims.scope.join(' ') : prepared.claims.scope;
  return { ...base({ ...family, scope }, rotation, context), ...accessTokenFacts(prepared), replay };
}

function accessTokenFacts(prepared: PreparedAccessToken) {
  return { accessTokenJti: prepared.claims.jti, accessTokenExpiresAt: new Date(prepared.claims.exp * 1000).toISOString() };
}
