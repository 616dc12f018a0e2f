import type { Transaction } from '../database/database.js';

/** Events about OAuth clients, emitted by ClientsService. */
export const ClientEvents = {
  /**
   * A confidential client's secret was replaced. Emitted inside the rotation's transaction, so
   * a listener's writes on `tx` commit or roll back with it (the portal ends the client's
   * sessions: someone who signed in with the old secret must not keep a session).
   */
  SecretRotated: 'client.secret_rotated',
} as const;

export interface ClientSecretRotated {
  clientId: string;
  tx: Transaction;
}
