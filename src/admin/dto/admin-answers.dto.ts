import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PageOf } from '../../common/http/page.dto.js';

export class ClientDto {
  @ApiProperty({ format: 'uuid' })
  clientId: string;

  @ApiProperty()
  name: string;

  @ApiProperty({ description: 'The `aud` of its access tokens' })
  audience: string;

  @ApiProperty({ type: [String] })
  scopes: string[];

  @ApiProperty({ description: 'A public client has no secret' })
  public: boolean;
}

export class CreatedClientDto extends ClientDto {
  @ApiPropertyOptional({ description: 'Confidential clients only; shown once, stored as a SHA-256 hash' })
  clientSecret?: string;
}

export class ClientWithNewSecretDto extends ClientDto {
  @ApiProperty({ description: 'Shown once; the old secret stops working at once' })
  clientSecret: string;
}

export class ClientPageDto extends PageOf(ClientDto, 'ClientPageDto') {}

export class UserDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty()
  loginId: string;

  @ApiProperty({ type: [String] })
  roles: string[];

  @ApiProperty()
  disabled: boolean;
}

export class UserPageDto extends PageOf(UserDto, 'UserPageDto') {}

/** A live refresh-token family. */
export class SessionDto {
  @ApiProperty({ format: 'uuid', description: 'The family id: the `refreshTokenId` and `sid`' })
  id: string;

  @ApiProperty()
  clientId: string;

  @ApiProperty({ description: 'Space-delimited scope granted at login' })
  scope: string;

  @ApiProperty({ type: 'integer', description: 'Rotations so far' })
  rotation: number;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ format: 'date-time' })
  lastUsedAt: string;

  @ApiProperty({ format: 'date-time', description: 'Absolute expiry of the family' })
  expiresAt: string;

  @ApiProperty({ type: String, nullable: true })
  ip: string | null;

  @ApiProperty({ type: String, nullable: true })
  userAgent: string | null;
}

export class SessionListDto {
  @ApiProperty({ type: [SessionDto] })
  items: SessionDto[];
}

export class RotatedKeyDto {
  @ApiProperty({ description: 'The new current key' })
  kid: string;
}

export class RevokedKeyDto {
  @ApiProperty({ description: 'The revoked key' })
  kid: string;

  @ApiProperty({ description: 'The current key after the revoke' })
  current: string;
}
