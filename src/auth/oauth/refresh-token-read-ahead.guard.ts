import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { TokenService, type RefreshTokenRead } from '../token.service.js';

type ReadAheadRequest = FastifyRequest & { refreshTokenRead?: RefreshTokenRead };

/**
 * Starts reading the presented refresh token before the client authenticates, so that both
 * reads are issued in the same turn: on PostgreSQL they leave in one batch, one round trip
 * instead of two (see PostgresStatements). It decides nothing: an unusable body is left to the
 * guards and the pipe behind it, whose answers are unchanged, and a request that fails its
 * client authentication drops the read. The rate limit comes first, so the read costs no more
 * than the client lookup that an unauthenticated request already caused.
 */
@Injectable()
export class RefreshTokenReadAhead implements CanActivate {
  constructor(private readonly tokens: TokenService) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<ReadAheadRequest>();
    const body: unknown = request.body;
    if (body === null || typeof body !== 'object' || Array.isArray(body)) return true;
    const { grant_type: grantType, refresh_token: refreshToken } = body as Record<string, unknown>;
    if (grantType === 'refresh_token' && typeof refreshToken === 'string') request.refreshTokenRead = this.tokens.readAhead(refreshToken);
    return true;
  }
}

/** The read the RefreshTokenReadAhead guard started on this request, if it started one. */
export function refreshTokenReadOf(request: FastifyRequest): RefreshTokenRead | undefined {
  return (request as ReadAheadRequest).refreshTokenRead;
}
