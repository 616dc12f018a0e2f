import { DomainError } from '../../common/errors/domain-error.js';
import { MAX_TOKEN_LENGTH } from '../../common/token-limits.js';

/** The longest parameter is a token. */
const MAX_PARAM_LENGTH = MAX_TOKEN_LENGTH;

/** The parameters of an OAuth request body (form-urlencoded, or a JSON object). */
export function formParams(body: unknown): Record<string, unknown> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new DomainError('invalid_request', 'The request body must be form-urlencoded parameters');
  }
  return body as Record<string, unknown>;
}

/**
 * One OAuth request parameter (RFC 6749 §3.2): absent, or a single string. Parameters
 * sent more than once are refused, as the RFC requires; empty values count as absent.
 */
export function formParam(body: Record<string, unknown>, name: string): string | undefined {
  const value = body[name];
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') {
    throw new DomainError('invalid_request', Array.isArray(value) ? `${name} must not be repeated` : `${name} must be a string`);
  }
  if (value.length > MAX_PARAM_LENGTH) throw new DomainError('invalid_request', `${name} is too long`);
  return value;
}

/** A space-delimited scope parameter, as a list. */
export function parseScope(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  if (!/^[\x21\x23-\x5B\x5D-\x7E]+( [\x21\x23-\x5B\x5D-\x7E]+)*$/.test(value)) {
    throw new DomainError('invalid_scope', 'scope must be space-delimited scope tokens');
  }
  return [...new Set(value.split(' '))];
}
