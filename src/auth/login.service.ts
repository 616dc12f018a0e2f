import { Inject, Injectable } from '@nestjs/common';
import { ClientsService } from '../clients/clients.service.js';
import { DomainError } from '../common/errors/domain-error.js';
import { USER_STORE, type UserStore } from '../users/user-store.js';
import type { BasicCredentials } from '../common/http/basic-credentials.js';
import { parseScope } from './oauth/form-params.js';
import { TokenService, type IssuedTokens, type RequestContext } from './token.service.js';

export interface LoginRequest extends RequestContext {
  loginId: string;
  password: string;
  clientId: string;
  clientSecret?: string;
  scope?: string;
  /** Cookie mode, for public clients only. */
  cookies?: boolean;
  /** client_secret_basic, as an alternative to `clientSecret`. */
  basic?: BasicCredentials;
}

const badCredentials = () => new DomainError('unauthorized', 'Invalid login credentials');

/** Password login: the one way, besides TokenService.issue(), to start a family. */
@Injectable()
export class LoginService {
  constructor(
    private readonly clients: ClientsService,
    private readonly tokens: TokenService,
    @Inject(USER_STORE) private readonly users: UserStore,
  ) {}

  async login(request: LoginRequest): Promise<IssuedTokens> {
    if (request.basic && (request.basic.id !== request.clientId || request.clientSecret !== undefined)) {
      throw new DomainError('invalid_request', 'Use one client authentication method, matching clientId');
    }
    const client = await this.clients.authenticate(request.clientId, request.clientSecret ?? request.basic?.secret);
    if (request.cookies && !client.public) {
      throw new DomainError('invalid_request', 'Cookie mode is for public clients only; a confidential client keeps its tokens server-side');
    }
    const scope = parseScope(request.scope);
    const unknown = scope?.filter((item) => !client.scopes.includes(item)) ?? [];
    if (unknown.length > 0) throw new DomainError('invalid_scope', `Scope not allowed for this client: ${unknown.join(' ')}`);
    const user = await this.users.verifyCredentials(request.loginId, request.password);
    // Same answer for an unknown user, a wrong password and a disabled account.
    if (!user || user.disabled) throw badCredentials();
    return this.tokens.issue({ user, client, scope, ip: request.ip, userAgent: request.userAgent });
  }
}
