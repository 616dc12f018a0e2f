import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { DataSourceOptions } from 'typeorm';
import type { DatabaseConfig } from '../config/database.config.js';
import { RefreshTokenFamily } from '../auth/refresh-token-family.entity.js';
import { RefreshToken } from '../auth/refresh-token.entity.js';
import { SigningKey } from '../auth/keys/signing-key.entity.js';
import { Client } from '../clients/client.entity.js';
import { OutboxEvent } from '../outbox/outbox-event.entity.js';
import { User } from '../users/user.entity.js';
import { WebhookAttemptEntity } from '../webhook/webhook-attempt.entity.js';
import { WebhookDeliveryEntity } from '../webhook/webhook-delivery.entity.js';
import { WebhookSubscriptionEntity } from '../webhook/webhook-subscription.entity.js';
import { PortalLink } from '../portal/portal-link.entity.js';
import { PortalSession } from '../portal/portal-session.entity.js';
import { Setting } from './setting.entity.js';
import { StallGuardedPgClient } from './stall-guarded-pg-client.js';
import { InitialSchema1764000000000 } from './migrations/1764000000000-InitialSchema.js';
import { Webhooks1764000000400 } from './migrations/1764000000400-Webhooks.js';
import { RefreshTokenSuccessorIndex1764000000700 } from './migrations/1764000000700-RefreshTokenSuccessorIndex.js';
import { Portal1764000000800 } from './migrations/1764000000800-Portal.js';
import { RetentionIndexes1764000001300 } from './migrations/1764000001300-RetentionIndexes.js';
import { RefreshTokenFamilyChain1764000001400 } from './migrations/1764000001400-RefreshTokenFamilyChain.js';
import { PartialTimeIndexes1764000001500 } from './migrations/1764000001500-PartialTimeIndexes.js';

export const ENTITIES = [
  Client,
  User,
  RefreshTokenFamily,
  RefreshToken,
  SigningKey,
  OutboxEvent,
  Setting,
  WebhookSubscriptionEntity,
  WebhookDeliveryEntity,
  WebhookAttemptEntity,
  PortalLink,
  PortalSession,
];
export const MIGRATIONS = [
  InitialSchema1764000000000,
  Webhooks1764000000400,
  RefreshTokenSuccessorIndex1764000000700,
  Portal1764000000800,
  RetentionIndexes1764000001300,
  RefreshTokenFamilyChain1764000001400,
  PartialTimeIndexes1764000001500,
];

/** The one description of the database, shared by the app and the TypeORM CLI. */
export function dataSourceOptions(config: DatabaseConfig): DataSourceOptions {
  const common = {
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'migrations',
    synchronize: false,
    logging: config.logQueries ? ('all' as const) : (['error'] as ('error' | 'warn')[]),
  };
  if (config.kind === 'postgres') {
    return {
      ...common,
      type: 'postgres',
      url: config.url,
      extra: {
        max: config.poolSize,
        Client: StallGuardedPgClient,
        // Bounded waits: for a new connection or a pooled one, for a statement on the server,
        // and for its answer on the wire (a partition never answers; the margin lets the
        // server's own cancellation, with its clear error, arrive first).
        connectionTimeoutMillis: config.connectTimeoutMs,
        statement_timeout: config.statementTimeoutMs,
        query_timeout: config.statementTimeoutMs + 1_000,
        // A client that vanished mid-transaction releases its locks.
        idle_in_transaction_session_timeout: Math.max(10_000, 2 * config.statementTimeoutMs),
        keepAlive: true,
      },
    };
  }
  mkdirSync(dirname(config.sqliteFile), { recursive: true });
  return {
    ...common,
    type: 'better-sqlite3',
    database: config.sqliteFile,
    enableWAL: true,
    // Writers in other processes wait up to this long for the lock, then fail with SQLITE_BUSY (503).
    timeout: config.busyTimeoutMs,
    statementCacheSize: 200,
    prepareDatabase: (db: { pragma(source: string): unknown }) => {
      // WAL + NORMAL: a committed transaction survives a process crash; only a power
      // loss can take back the last few.
      db.pragma('synchronous = NORMAL');
      // Savepoint journals (each grouped transaction has one) in memory. By default one
      // past 64 KiB spills to a temporary file, kept for the rest of its transaction: under
      // load that was four writes out of five on the event loop's thread, two syscalls per
      // page a savepoint touched, for a file only ROLLBACK TO ever reads. Also keeps temporary
      // sort tables in memory; every query here is bounded.
      db.pragma('temp_store = MEMORY');
    },
  };
}
