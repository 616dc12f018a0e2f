import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { JWT_ALGORITHMS } from '../../config/auth.config.js';

/** A public signing key (RFC 7517); which members it has depends on its type. */
export class PublicJwkDto {
  @ApiProperty()
  kid: string;

  @ApiProperty({ enum: [...JWT_ALGORITHMS] })
  alg: string;

  @ApiProperty({ enum: ['sig'] })
  use: 'sig';

  @ApiProperty({ enum: ['RSA', 'EC', 'OKP'] })
  kty: string;

  @ApiPropertyOptional({ description: 'RSA modulus' })
  n?: string;

  @ApiPropertyOptional({ description: 'RSA exponent' })
  e?: string;

  @ApiPropertyOptional({ description: 'EC or OKP curve' })
  crv?: string;

  @ApiPropertyOptional()
  x?: string;

  @ApiPropertyOptional()
  y?: string;
}

export class JwksDto {
  @ApiProperty({ type: [PublicJwkDto], description: 'Every key whose tokens may still be valid' })
  keys: PublicJwkDto[];
}

/** RFC 8414 authorization server metadata. */
export class AuthorizationServerMetadataDto {
  @ApiProperty()
  issuer: string;

  @ApiProperty({ format: 'uri' })
  token_endpoint: string;

  @ApiProperty({ format: 'uri' })
  revocation_endpoint: string;

  @ApiProperty({ format: 'uri' })
  introspection_endpoint: string;

  @ApiProperty({ format: 'uri' })
  jwks_uri: string;

  @ApiProperty({ type: [String], example: ['refresh_token'] })
  grant_types_supported: string[];

  @ApiProperty({ type: [String], description: 'Empty: there is no authorization endpoint' })
  response_types_supported: string[];

  @ApiProperty({ type: [String] })
  token_endpoint_auth_methods_supported: string[];

  @ApiProperty({ type: [String] })
  revocation_endpoint_auth_methods_supported: string[];

  @ApiProperty({ type: [String] })
  introspection_endpoint_auth_methods_supported: string[];

  @ApiProperty({ type: [String] })
  scopes_supported: string[];
}
