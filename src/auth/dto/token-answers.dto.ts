import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, ApiProperty, getSchemaPath } from '@nestjs/swagger';

/** Body mode of login and refresh: both tokens in the body, no cookie. */
export class TokenPairDto {
  @ApiProperty({ description: 'JWT access token' })
  token: string;

  @ApiProperty({ description: 'Opaque refresh token; store it as a secret' })
  refreshToken: string;

  @ApiProperty({ format: 'uuid', description: 'The family id (`sid` in the access token)' })
  refreshTokenId: string;

  @ApiProperty({ type: 'integer', description: 'Seconds until the access token expires' })
  expiresIn: number;
}

/**
 * Cookie mode of login and refresh: the refresh token travels in an HttpOnly cookie only.
 * With COOKIE_BODY_TOKENS=true the body is the TokenPairDto shape (FusionAuth's example).
 */
export class CookieModeTokenDto {
  @ApiProperty({ description: 'JWT access token, for in-memory use' })
  token: string;

  @ApiProperty({ format: 'uuid', description: 'The family id (`sid` in the access token)' })
  refreshTokenId: string;

  @ApiProperty({ type: 'integer', description: 'Seconds until the access token expires' })
  expiresIn: number;
}

/** The 200 of login and of the cookie-or-body refresh: body mode or cookie mode. */
export function ApiTokenAnswer(): MethodDecorator {
  return applyDecorators(
    ApiExtraModels(TokenPairDto, CookieModeTokenDto),
    ApiOkResponse({
      description:
        'Body mode: both tokens (TokenPairDto). Cookie mode: the access token (CookieModeTokenDto), with the refresh_token and access_token cookies set, HttpOnly; with COOKIE_BODY_TOKENS=true, the TokenPairDto shape and the cookies.',
      schema: { anyOf: [{ $ref: getSchemaPath(TokenPairDto) }, { $ref: getSchemaPath(CookieModeTokenDto) }] },
      headers: {
        'Set-Cookie': {
          description: 'Cookie mode only: `access_token` (Path=/) and `refresh_token` (Path=COOKIE_REFRESH_PATH), HttpOnly, SameSite=COOKIE_SAMESITE',
          schema: { type: 'string' },
        },
        'Cache-Control': { description: 'no-store', schema: { type: 'string' } },
      },
    }),
  );
}

export class LoggedOutDto {
  @ApiProperty({ enum: [true] })
  loggedOut: true;
}

/** The claims `GET /api/me` echoes. */
export class MeDto {
  @ApiProperty({ description: 'The user id' })
  sub: string;

  @ApiProperty({ type: [String] })
  roles: string[];

  @ApiProperty({
    oneOf: [{ type: 'array', items: { type: 'string' } }, { type: 'string' }],
    description: 'An array in the default profile; one space-delimited string with ACCESS_TOKEN_PROFILE=rfc9068',
  })
  scope: string[] | string;

  @ApiProperty()
  clientId: string;
}
