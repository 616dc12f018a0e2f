import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { MAX_TOKEN_LENGTH } from '../../common/token-limits.js';
import { DomainError } from '../../common/errors/domain-error.js';
import { type CredentialsRequest } from './refresh-credentials.js';

/**
 * Body mode: takes `refreshToken` (and `token`, the access token) from a JSON body,
 * unless the cookie guard has already found a refresh token.
 */
@Injectable()
export class BodyCredentialsGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<CredentialsRequest>();
    if (request.refreshCredentials) return true;
    const body = request.body;
    if (body === undefined || body === null) return true;
    if (typeof body !== 'object' || Array.isArray(body)) throw new DomainError('invalid_request', 'The body must be a JSON object');
    const { refreshToken, token } = body as Record<string, unknown>;
    const refresh = tokenField('refreshToken', refreshToken);
    const access = tokenField('token', token);
    if (refresh === undefined) return true;
    request.refreshCredentials = { source: 'body', refreshToken: refresh, ...(access ? { accessToken: access } : {}) };
    return true;
  }
}

function tokenField(name: string, value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value.length > MAX_TOKEN_LENGTH) {
    throw new DomainError('invalid_request', `${name} must be a string of at most ${MAX_TOKEN_LENGTH} characters`);
  }
  return value.length > 0 ? value : undefined;
}
