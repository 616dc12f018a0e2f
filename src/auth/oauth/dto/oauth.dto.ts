import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/**
 * The OAuth endpoints read their form-urlencoded (or JSON) bodies themselves
 * (readTokenRequest, TokenParamsPipe, OAuthClientGuard); these classes describe those bodies.
 */
class ClientCredentialsForm {
  @ApiPropertyOptional({ description: 'client_secret_post, or a public client naming itself; or use HTTP Basic (client_secret_basic)' })
  client_id?: string;

  @ApiPropertyOptional({ description: 'client_secret_post; never together with HTTP Basic' })
  client_secret?: string;
}

/** RFC 6749 §6: the refresh_token grant. */
export class TokenRequestForm extends ClientCredentialsForm {
  @ApiProperty({ enum: ['refresh_token'] })
  grant_type: 'refresh_token';

  @ApiProperty()
  refresh_token: string;

  @ApiPropertyOptional({ description: 'Space-delimited; a narrower scope applies to the new access token only' })
  scope?: string;
}

/** RFC 7009 §2.1 and RFC 7662 §2.1. */
export class TokenParamsForm extends ClientCredentialsForm {
  @ApiProperty({ description: 'A refresh token or an access token' })
  token: string;

  @ApiPropertyOptional({ description: 'Orders the search only; unknown values are not errors', example: 'refresh_token' })
  token_type_hint?: string;
}

/** RFC 6749 §5.1. */
export class OAuthTokenResponseDto {
  @ApiProperty()
  access_token: string;

  @ApiProperty()
  refresh_token: string;

  @ApiProperty({ enum: ['bearer'] })
  token_type: 'bearer';

  @ApiProperty({ type: 'integer', description: 'Seconds until the access token expires' })
  expires_in: number;

  @ApiProperty({ type: 'integer', description: 'Same as expires_in (kept from the seed)' })
  expires: number;

  @ApiProperty({ description: 'Space-delimited scope of the new access token' })
  scope: string;
}

/** RFC 7662 §2.2: `{active: false}` for anything not active or not the caller's. */
export class IntrospectionResponseDto {
  @ApiProperty()
  active: boolean;

  @ApiPropertyOptional({ description: 'Space-delimited' })
  scope?: string;

  @ApiPropertyOptional()
  client_id?: string;

  @ApiPropertyOptional()
  sub?: string;

  @ApiPropertyOptional({ type: 'integer' })
  exp?: number;

  @ApiPropertyOptional({ type: 'integer' })
  iat?: number;

  @ApiPropertyOptional()
  iss?: string;

  @ApiPropertyOptional()
  aud?: string;

  @ApiPropertyOptional()
  jti?: string;

  @ApiPropertyOptional({ enum: ['Bearer', 'refresh_token'] })
  token_type?: 'Bearer' | 'refresh_token';

  @ApiPropertyOptional({ description: 'The refresh-token family' })
  sid?: string;
}

/** RFC 7009 §2.2: an empty object, for known and unknown tokens alike. */
export class RevocationResponseDto {}
