import { HttpException, ServiceUnavailableException } from '@nestjs/common';
import { DomainError, type DomainErrorCode } from '../errors/domain-error.js';
import { databaseFaultCause, FAULT_MESSAGES, type DatabaseFaultCause } from '../../database/database-fault.js';

export interface ErrorResponse {
  status: number;
  body: Record<string, unknown>;
  headers: Record<string, string>;
  /** True when the error is a fault of ours, to be logged. */
  fault: boolean;
  /** Set when the answer is a 503 because the database is unavailable, timed out or full. */
  databaseFault?: DatabaseFaultCause;
}

/** Retry-After of a database-fault 503 when the caller does not say (DATABASE_RETRY_AFTER_SECONDS). */
const DEFAULT_RETRY_AFTER_SECONDS = 5;

/**
 * A database that is unreachable, too slow or out of space is not a bug: it becomes a
 * `temporarily_unavailable` domain error (503, Retry-After); anything else is left as it is.
 */
export function asDatabaseFault(error: unknown, retryAfter = DEFAULT_RETRY_AFTER_SECONDS): { error: DomainError; cause: DatabaseFaultCause } | undefined {
  if (error instanceof DomainError || error instanceof HttpException) return undefined;
  const cause = databaseFaultCause(error);
  return cause ? { error: new DomainError('temporarily_unavailable', FAULT_MESSAGES[cause], { retryAfter }), cause } : undefined;
}

const CODE_BY_STATUS: Record<number, DomainErrorCode> = {
  400: 'invalid_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
};

interface ErrorLike {
  statusCode?: number;
  status?: number;
  message?: string;
  code?: string;
}

/**
 * `oauth`: RFC 6749 §5.2 bodies, chosen by the OAuth controllers (their own filter, see
 * src/auth/oauth/oauth-exception.filter.ts), never by the URL, so a route prefix changes nothing.
 * `api`: `{error, message}`, everywhere else.
 */
export type ErrorShape = 'oauth' | 'api';

/**
 * Turns any error into the answer the contract promises: the body of the given shape, and a
 * generic 500 with the request id for anything we did not expect.
 */
export function toErrorResponse(error: unknown, shape: ErrorShape, requestId: string, retryAfter?: number): ErrorResponse {
  // A deliberate 503 (readiness: which dependency is down, or shutting down) keeps its status and body.
  if (error instanceof ServiceUnavailableException) {
    return { status: 503, body: error.getResponse() as Record<string, unknown>, headers: {}, fault: false };
  }
  const oauth = shape === 'oauth';
  const fault = asDatabaseFault(error, retryAfter);
  const { code, message, status, headers } = classify(fault?.error ?? error, oauth);
  if (status >= 500 && code !== 'temporarily_unavailable') {
    return {
      status: 500,
      body: oauth
        ? { error: 'server_error', error_description: 'Internal server error', request_id: requestId }
        : { error: 'server_error', message: 'Internal server error', requestId },
      headers: {},
      fault: true,
    };
  }
  return {
    status,
    body: oauth ? { error: code, error_description: message } : { error: code, message },
    headers,
    fault: false,
    ...(fault ? { databaseFault: fault.cause } : {}),
  };
}

function classify(error: unknown, oauth: boolean): { code: string; message: string; status: number; headers: Record<string, string> } {
  if (error instanceof DomainError) {
    const headers: Record<string, string> = {};
    if (error.options.retryAfter !== undefined) headers['retry-after'] = String(error.options.retryAfter);
    // Outside the OAuth endpoints a refresh token that fails is an `invalid_token` (401).
    if (!oauth && error.code === 'invalid_grant') {
      return { code: 'invalid_token', message: error.message, status: 401, headers: { ...headers, 'www-authenticate': 'Bearer error="invalid_token"' } };
    }
    if (error.code === 'invalid_token') headers['www-authenticate'] = 'Bearer error="invalid_token"';
    if (error.options.challenge) headers['www-authenticate'] = error.options.challenge;
    return { code: error.code, message: error.message, status: error.status, headers };
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const response = error.getResponse();
    const raw = typeof response === 'string' ? response : (response as { message?: unknown }).message;
    const message = Array.isArray(raw) ? raw.join('; ') : String(raw ?? error.message);
    const headers: Record<string, string> = {};
    return { code: CODE_BY_STATUS[status] ?? (status < 500 ? 'invalid_request' : 'server_error'), message, status, headers };
  }
  // Errors raised by Fastify itself before a handler runs: bad JSON, wrong content type, body too large.
  const candidate = error as ErrorLike;
  const status = candidate?.statusCode ?? candidate?.status;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return { code: CODE_BY_STATUS[status] ?? 'invalid_request', message: fastifyMessage(candidate), status, headers: {} };
  }
  return { code: 'server_error', message: 'Internal server error', status: 500, headers: {} };
}

function fastifyMessage(error: ErrorLike): string {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return 'The request body is larger than 16 KiB';
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return 'Unsupported content type';
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return 'The JSON body is empty';
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return 'The Content-Length does not match the body';
    default:
      return error.message?.startsWith('Body is not valid JSON') || error.message?.includes('JSON')
        ? 'The body is not valid JSON'
        : (error.message ?? 'Bad request');
  }
}
