import { Injectable } from '@nestjs/common';
import { TokenRevocationService } from '../auth/token-revocation.service.js';
import { ClientsService } from '../clients/clients.service.js';
import { Database } from '../database/database.js';
import { UsersService, type UserChanges } from '../users/users.service.js';

/**
 * Changes to users and clients that end their sessions: disabling or deleting a user,
 * changing its password, deleting a client. The change and the revocations commit together.
 */
@Injectable()
export class AccountLifecycleService {
  constructor(
    private readonly db: Database,
    private readonly users: UsersService,
    private readonly clients: ClientsService,
    private readonly revocations: TokenRevocationService,
  ) {}

  async updateUser(id: string, changes: UserChanges) {
    const prepared = await this.users.prepareChanges(changes);
    const reason = changes.disabled ? 'user_disabled' : changes.password !== undefined ? 'password_changed' : undefined;
    return this.db.transaction(async (tx) => {
      const user = await this.users.update(tx, id, prepared);
      if (reason) await this.revocations.revokeWithin(tx, { userId: id }, reason);
      return user;
    });
  }

  async deleteUser(id: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      await this.users.delete(tx, id);
      await this.revocations.revokeWithin(tx, { userId: id }, 'user_deleted');
    });
  }

  async deleteClient(clientId: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      await this.clients.delete(tx, clientId);
      await this.revocations.revokeWithin(tx, { clientId }, 'client_deleted');
    });
  }
}
