import type { OutboxMessage } from '../../outbox/outbox.types.js';

/** The token events, by name. Payloads carry ids only: never a token or secret value. */
export const TokenEvents = {
  Issued: 'token.issued',
  Refreshed: 'token.refreshed',
  ReuseDetected: 'token.reuse_detected',
  Revoked: 'token.revoked',
} as const;

export type TokenEventName = (typeof TokenEvents)[keyof typeof TokenEvents];

interface TokenEventBase {
  userId: string;
  clientId: string;
  familyId: string;
  /** Rotation number within the family (0 at login). */
  rotation: number;
  scope: string;
  ip: string | null;
  userAgent: string | null;
}

export interface TokenIssuedData extends TokenEventBase {
  accessTokenJti: string;
  accessTokenExpiresAt: string;
}

export interface TokenRefreshedData extends TokenIssuedData {
  /** True when a grace-window replay returned the same successor again. */
  replay: boolean;
}

export interface TokenReuseDetectedData extends TokenEventBase {
  /** `stale_token`: an older token of the family; `reuse_after_grace`: the last consumed one, too late. */
  reason: 'reuse_after_grace' | 'stale_token';
}

export interface TokenRevokedData extends TokenEventBase {
  reason: string;
}

export interface TokenEventMap {
  'token.issued': TokenIssuedData;
  'token.refreshed': TokenRefreshedData;
  'token.reuse_detected': TokenReuseDetectedData;
  'token.revoked': TokenRevokedData;
}

export type TokenEvent<K extends TokenEventName = TokenEventName> = OutboxMessage<K, TokenEventMap[K]>;
