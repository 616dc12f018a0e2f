/**
 * Error codes the services speak. The exception filter maps each to an HTTP status and,
 * on /oauth/*, to the RFC 6749 §5.2 shape.
 */
export type DomainErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'invalid_scope'
  | 'unsupported_grant_type'
  | 'unauthorized_client'
  | 'invalid_token'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'rate_limited'
  | 'temporarily_unavailable';

export const STATUS_BY_CODE: Record<DomainErrorCode, number> = {
  invalid_request: 400,
  invalid_client: 401,
  invalid_grant: 400,
  invalid_scope: 400,
  unsupported_grant_type: 400,
  unauthorized_client: 400,
  invalid_token: 401,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  // RFC 6749 §5.2 lists it for the authorization endpoint; token endpoints use it the same way.
  temporarily_unavailable: 503,
};

export interface DomainErrorOptions {
  /** Value for WWW-Authenticate when the answer is a challenge. */
  challenge?: string;
  /** Seconds, for Retry-After. */
  retryAfter?: number;
}

export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    readonly options: DomainErrorOptions = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }

  get status(): number {
    return STATUS_BY_CODE[this.code];
  }
}
