import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { DomainError } from '../../common/errors/domain-error.js';

/** Where the presented tokens came from: cookie mode answers with cookies, body mode without. */
export type CredentialsSource = 'cookie' | 'body';

/** The tokens a caller presented to the cookie-or-body endpoints, as one of the guards found them. */
export interface RefreshCredentials {
  source: CredentialsSource;
  refreshToken: string;
  /** The access token presented beside it, to be bound to the same user and family. */
  accessToken?: string;
}

export type CredentialsRequest = FastifyRequest & { refreshCredentials?: RefreshCredentials };

export const REFRESH_COOKIE = 'refresh_token';
export const ACCESS_COOKIE = 'access_token';

/**
 * The credentials the cookie or body guard put on the request. Required unless
 * `{ optional: true }`: without any token the answer is 400.
 */
export const PresentedCredentials = createParamDecorator(
  (options: { optional?: boolean } | undefined, context: ExecutionContext): RefreshCredentials | undefined => {
    const credentials = context.switchToHttp().getRequest<CredentialsRequest>().refreshCredentials;
    if (!credentials && !options?.optional) {
      throw new DomainError('invalid_request', 'No refresh token given: send the refresh_token cookie or a JSON body with refreshToken');
    }
    return credentials;
  },
);
