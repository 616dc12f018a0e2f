import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, LessThan, MoreThan, Repository } from 'typeorm';
import type { Transaction } from '../database/database.js';
import { PortalLink } from './portal-link.entity.js';
import { PortalSession } from './portal-session.entity.js';

/** Portal links and sessions, as entities; both are found by the SHA-256 of their token. */
@Injectable()
export class PortalAccessRepository {
  constructor(
    @InjectRepository(PortalLink) private readonly links: Repository<PortalLink>,
    @InjectRepository(PortalSession) private readonly sessions: Repository<PortalSession>,
  ) {}

  /** Stores a link, dropping links that have expired. */
  async insertLink(tx: Transaction, link: PortalLink): Promise<void> {
    const links = tx.manager.getRepository(PortalLink);
    await links.delete({ expiresAt: LessThan(link.createdAt) });
    await links.insert(link);
  }

  /**
   * Uses an unused, unexpired link. Conditional: of several racing exchanges exactly one
   * gets the link back.
   */
  async useLink(tx: Transaction, tokenHash: string, now: number): Promise<PortalLink | null> {
    const links = tx.manager.getRepository(PortalLink);
    const used = await links.update({ tokenHash, usedAt: IsNull(), expiresAt: MoreThan(now) }, { usedAt: now });
    return (used.affected ?? 0) === 1 ? links.findOneBy({ tokenHash }) : null;
  }

  /** Stores a session, dropping sessions that have expired. */
  async insertSession(tx: Transaction, session: PortalSession): Promise<void> {
    const sessions = tx.manager.getRepository(PortalSession);
    await sessions.delete({ expiresAt: LessThan(session.createdAt) });
    await sessions.insert(session);
  }

  findLiveSession(tokenHash: string, now: number): Promise<PortalSession | null> {
    return this.sessions.findOneBy({ tokenHash, expiresAt: MoreThan(now) });
  }

  async deleteSession(tx: Transaction, tokenHash: string): Promise<void> {
    await tx.manager.getRepository(PortalSession).delete({ tokenHash });
  }

  /** Ends every session of the client; returns how many there were. */
  async deleteClientSessions(tx: Transaction, clientId: string): Promise<number> {
    const { affected } = await tx.manager.getRepository(PortalSession).delete({ clientId });
    return affected ?? 0;
  }
}
