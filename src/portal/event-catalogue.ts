import { TokenEvents } from '../auth/events/token-events.js';
import { WEBHOOK_TEST_EVENT } from '../webhook/webhook-events.js';

export interface CatalogueEntry {
  type: string;
  description: string;
  /** Whether a subscription may ask for it (the test event comes only on request). */
  subscribable: boolean;
  example: { type: string; timestamp: string; data: Record<string, unknown> };
}

const base = {
  userId: '8f14e45f-ceea-467f-a0e6-5b1a0f6e2c11',
  clientId: '3c59dc04-8a2e-4a0c-9f5b-0d3b0e7c9a10',
  familyId: 'c9f0f895-fb98-4b91-8e3a-2f6bb1d0c0a7',
  scope: 'openid profile offline_access',
  ip: '203.0.113.7',
  userAgent: 'Mozilla/5.0 (X11; Linux x86_64)',
};
const timestamp = '2026-01-15T09:30:00.000Z';
const access = { accessTokenJti: '45c48cce-2e2d-4fbd-b2a1-7f5d9f3b6e01', accessTokenExpiresAt: '2026-01-15T10:30:00.000Z' };

/** Every event a receiver may get, with an example body as it is sent (ids only, never a token). */
export const EVENT_CATALOGUE: readonly CatalogueEntry[] = [
  {
    type: TokenEvents.Issued,
    description: 'A user logged in: a new refresh-token family starts (rotation 0).',
    subscribable: true,
    example: { type: TokenEvents.Issued, timestamp, data: { ...base, rotation: 0, ...access } },
  },
  {
    type: TokenEvents.Refreshed,
    description: 'A refresh token was rotated. replay is true when a grace-window retry got the same successor again.',
    subscribable: true,
    example: { type: TokenEvents.Refreshed, timestamp, data: { ...base, rotation: 3, ...access, replay: false } },
  },
  {
    type: TokenEvents.ReuseDetected,
    description: 'A consumed refresh token was presented again: the whole family was revoked.',
    subscribable: true,
    example: { type: TokenEvents.ReuseDetected, timestamp, data: { ...base, rotation: 3, reason: 'reuse_after_grace' } },
  },
  {
    type: TokenEvents.Revoked,
    description: 'A family was revoked: logout, revocation, password change, disabled user or deleted client.',
    subscribable: true,
    example: { type: TokenEvents.Revoked, timestamp, data: { ...base, rotation: 3, reason: 'logout' } },
  },
  {
    type: WEBHOOK_TEST_EVENT,
    description: 'Sent by "Send test event"; every endpoint receives it whatever events it asked for.',
    subscribable: false,
    example: { type: WEBHOOK_TEST_EVENT, timestamp, data: { subscriptionId: 'f457c545-a9de-488f-b4c6-3b1c2c9b4d52' } },
  },
];
