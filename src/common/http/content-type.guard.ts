import { applyDecorators, Injectable, SetMetadata, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiConsumes } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { DomainError } from '../errors/domain-error.js';

const CONSUMES = 'http:consumes';
export const JSON_ONLY = ['application/json'];
export const FORM_OR_JSON = ['application/x-www-form-urlencoded', 'application/json'];

/** The media types a route accepts for its body (enforced below, and documented); JSON when not said. */
export const Consumes = (...mediaTypes: string[]) => applyDecorators(SetMetadata(CONSUMES, mediaTypes), ApiConsumes(...mediaTypes));

/**
 * Strict content types per endpoint: a body in any other media type is refused with 415,
 * so that, for instance, a cross-site HTML form cannot post to a JSON endpoint.
 */
@Injectable()
export class ContentTypeGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const header = request.headers['content-type'];
    const length = Number(request.headers['content-length'] ?? 0);
    const hasBody = header !== undefined || length > 0 || request.headers['transfer-encoding'] !== undefined;
    if (!hasBody) return true;
    const allowed = this.reflector.getAllAndOverride<string[] | undefined>(CONSUMES, [context.getHandler(), context.getClass()]) ?? JSON_ONLY;
    const mediaType = (header ?? '').split(';')[0]!.trim().toLowerCase();
    if (!allowed.includes(mediaType)) {
      throw new DomainError('unsupported_media_type', `Content-Type must be ${allowed.join(' or ')}`);
    }
    return true;
  }
}
