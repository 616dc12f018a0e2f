import { DomainError } from '../../common/errors/domain-error.js';
import { formParam, formParams, parseScope } from './form-params.js';

export interface RefreshTokenGrant {
  refreshToken: string;
  scope?: string[];
}

/**
 * Reads a token request (RFC 6749 §6). Unknown parameters are ignored, as the RFC asks
 * of servers; repeated ones are refused.
 */
export function readTokenRequest(body: unknown): RefreshTokenGrant {
  const params = formParams(body);
  const grantType = formParam(params, 'grant_type');
  if (grantType === undefined) throw new DomainError('invalid_request', 'grant_type is required');
  if (grantType !== 'refresh_token') {
    throw new DomainError('unsupported_grant_type', 'Only grant_type=refresh_token is supported');
  }
  const refreshToken = formParam(params, 'refresh_token');
  if (refreshToken === undefined) throw new DomainError('invalid_request', 'refresh_token is required');
  return { refreshToken, scope: parseScope(formParam(params, 'scope')) };
}
