import { Inject, Injectable, Logger } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { randomUUID } from 'node:crypto';
import { ClientEvents, type ClientSecretRotated } from '../clients/client-events.js';
import { ClientsService } from '../clients/clients.service.js';
import { Clock } from '../common/clock.js';
import { generateOpaqueToken, sha256 } from '../common/crypto/hashing.js';
import { DomainError } from '../common/errors/domain-error.js';
import { portalConfig, type PortalConfig } from '../config/portal.config.js';
import { Database } from '../database/database.js';
import { PortalAccessRepository } from './portal-access.repository.js';
import { PortalLink } from './portal-link.entity.js';
import { PortalSession } from './portal-session.entity.js';

export interface PortalLinkAnswer {
  url: string;
  expiresAt: string;
}

/** Who a portal session belongs to. */
export interface PortalIdentity {
  clientId: string;
  clientName: string;
  expiresAt: string;
}

export interface StartedPortalSession extends PortalIdentity {
  /** The cookie value; only its hash is stored. */
  token: string;
  maxAgeSeconds: number;
}

const LINK_REFUSED = 'This portal link has already been used or has expired. Ask your operator for a new link.';

/**
 * Entry into the integrator portal: one-time links an operator hands out, sign-in with a
 * confidential client's secret, and the sessions both give. Links and sessions are opaque
 * 256-bit tokens of which only the SHA-256 is stored.
 */
@Injectable()
export class PortalAccessService {
  private readonly logger = new Logger(PortalAccessService.name);

  constructor(
    private readonly db: Database,
    private readonly access: PortalAccessRepository,
    private readonly clock: Clock,
    private readonly clients: ClientsService,
    @Inject(portalConfig.KEY) private readonly config: PortalConfig,
  ) {}

  async createLink(clientId: string): Promise<PortalLinkAnswer> {
    if (!(await this.clients.find(clientId))) throw new DomainError('not_found', 'No such client');
    const token = generateOpaqueToken();
    const now = this.clock.now();
    const expiresAt = now + this.config.linkTtlSeconds * 1000;
    const link = Object.assign(new PortalLink(), { id: randomUUID(), clientId, tokenHash: sha256(token), expiresAt, usedAt: null, createdAt: now });
    await this.db.transaction((tx) => this.access.insertLink(tx, link));
    this.logger.log(`Portal link created for client ${clientId}`);
    // In the fragment, so the token never reaches a server log or a Referer; the page posts it.
    return { url: `${this.config.baseUrl}/portal#token=${token}`, expiresAt: new Date(expiresAt).toISOString() };
  }

  /** A session from either way in: a link's token, or a confidential client's id and secret. */
  async start(credentials: { token?: string; clientId?: string; clientSecret?: string }): Promise<StartedPortalSession> {
    const { token, clientId, clientSecret } = credentials;
    if (token !== undefined) {
      if (clientId !== undefined || clientSecret !== undefined) {
        throw new DomainError('invalid_request', 'Send either a link token or a client id and secret, not both');
      }
      return this.exchangeLink(token);
    }
    if (clientId !== undefined && clientSecret !== undefined) return this.signIn(clientId, clientSecret);
    throw new DomainError('invalid_request', 'Send a portal link token, or a client id and client secret');
  }

  /** Uses a link, once: the conditional UPDATE lets exactly one of several racing exchanges win. */
  async exchangeLink(token: string): Promise<StartedPortalSession> {
    const now = this.clock.now();
    const hash = sha256(token);
    const link = await this.db.transaction((tx) => this.access.useLink(tx, hash, now));
    if (!link) throw new DomainError('unauthorized', LINK_REFUSED);
    const client = await this.clients.find(link.clientId);
    if (!client) throw new DomainError('unauthorized', LINK_REFUSED);
    return this.startSession(client.clientId, client.name);
  }

  /** A confidential client signs in with its own secret; a public client has none to prove. */
  async signIn(clientId: string, clientSecret: string): Promise<StartedPortalSession> {
    const known = await this.clients.find(clientId);
    if (known?.public) {
      throw new DomainError('forbidden', 'Public clients cannot sign in to the portal: ask your operator for a portal link');
    }
    const client = await this.clients.authenticate(clientId, clientSecret);
    return this.startSession(client.clientId, client.name);
  }

  /** The session's client, or a 401; a deleted client's sessions open nothing. */
  async identify(token: string | undefined): Promise<PortalIdentity> {
    if (token === undefined) throw new DomainError('unauthorized', 'Sign in to the portal first');
    const session = await this.access.findLiveSession(sha256(token), this.clock.now());
    const client = session ? await this.clients.find(session.clientId) : null;
    if (!session || !client) throw new DomainError('unauthorized', 'Your portal session has ended: sign in again');
    return { clientId: client.clientId, clientName: client.name, expiresAt: new Date(session.expiresAt).toISOString() };
  }

  /** A new client secret ends every portal session of the client, in the rotation's transaction. */
  // suppressErrors: false, so a failed DELETE fails the rotation instead of leaving the sessions.
  @OnEvent(ClientEvents.SecretRotated, { suppressErrors: false })
  async endClientSessions({ clientId, tx }: ClientSecretRotated): Promise<void> {
    const ended = await this.access.deleteClientSessions(tx, clientId);
    if (ended > 0) this.logger.log(`Client ${clientId} has a new secret: ${ended} portal session(s) ended`);
  }

  async endSession(token: string | undefined): Promise<void> {
    if (token === undefined) return;
    await this.db.transaction((tx) => this.access.deleteSession(tx, sha256(token)));
  }

  private async startSession(clientId: string, clientName: string): Promise<StartedPortalSession> {
    const token = generateOpaqueToken();
    const now = this.clock.now();
    const expiresAt = now + this.config.sessionTtlSeconds * 1000;
    const session = Object.assign(new PortalSession(), { id: randomUUID(), clientId, tokenHash: sha256(token), expiresAt, createdAt: now });
    await this.db.transaction((tx) => this.access.insertSession(tx, session));
    this.logger.log(`Portal session started for client ${clientId}`);
    return { token, clientId, clientName, expiresAt: new Date(expiresAt).toISOString(), maxAgeSeconds: this.config.sessionTtlSeconds };
  }
}
