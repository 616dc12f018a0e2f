import { applyDecorators } from '@nestjs/common';
import { ApiParam, ApiProperty, ApiPropertyOptional, ApiResponse, ApiSchema } from '@nestjs/swagger';

/** `{error, message}`: every error outside the OAuth endpoints (see error-response.ts). */
@ApiSchema({ name: 'Error' })
export class ApiErrorBody {
  @ApiProperty({ example: 'invalid_token', description: 'A stable code' })
  error: string;

  @ApiProperty({ description: 'For people; never a token or secret' })
  message: string;

  @ApiPropertyOptional({ description: 'On 500 only: quote it when reporting the problem' })
  requestId?: string;
}

/** RFC 6749 §5.2, the OAuth endpoints' error body. */
@ApiSchema({ name: 'OAuthError', description: 'RFC 6749 §5.2' })
export class OAuthErrorBody {
  @ApiProperty({
    enum: ['invalid_request', 'invalid_client', 'invalid_grant', 'unauthorized_client', 'unsupported_grant_type', 'invalid_scope', 'temporarily_unavailable', 'server_error'],
  })
  error: string;

  @ApiPropertyOptional()
  error_description?: string;

  @ApiPropertyOptional({ description: 'On 500 only: quote it when reporting the problem' })
  request_id?: string;
}

export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 415 | 429 | 503;

const DESCRIPTIONS: Record<ErrorStatus | 500, string> = {
  400: 'Malformed request: wrong types, unknown fields, or a body over 16 KiB',
  401: 'Missing or wrong credentials',
  403: 'Refused',
  404: 'No such resource',
  409: 'Conflicts with an existing resource',
  415: 'Unsupported content type',
  429: 'Rate limited; Retry-After gives seconds',
  500: 'Unexpected error: a generic message and the request id, never a stack trace',
  503: 'The database is unreachable, timed out or out of space; Retry-After gives seconds',
};

/** A status, or a status with what it means on this route. */
export type DeclaredError = ErrorStatus | [ErrorStatus, string];

function responses(type: Function, errors: DeclaredError[]): MethodDecorator & ClassDecorator {
  const declared = new Map<number, string>([[500, DESCRIPTIONS[500]]]);
  for (const error of errors) {
    const [status, description] = Array.isArray(error) ? error : [error, DESCRIPTIONS[error]];
    declared.set(status, description);
  }
  return applyDecorators(
    ...[...declared].map(([status, description]) =>
      ApiResponse({ status, description, type, ...(status === 429 || status === 503 ? { headers: RETRY_AFTER } : {}) }),
    ),
  );
}

const RETRY_AFTER = { 'Retry-After': { description: 'Seconds to wait before trying again', schema: { type: 'integer' } } };

/** Path parameters that must be UUIDs (ParseUUIDPipe answers 400 otherwise). */
export function ApiUuidParams(...names: string[]): MethodDecorator {
  return applyDecorators(...names.map((name) => ApiParam({ name, format: 'uuid', type: String })));
}

/** The `{error, message}` answers a controller or route gives; 500 is always declared. */
export function ApiErrors(...errors: DeclaredError[]): MethodDecorator & ClassDecorator {
  return responses(ApiErrorBody, errors);
}

/** The RFC 6749 §5.2 answers of an OAuth endpoint; 500 is always declared. */
export function ApiOAuthErrors(...errors: DeclaredError[]): MethodDecorator & ClassDecorator {
  return responses(OAuthErrorBody, errors);
}
