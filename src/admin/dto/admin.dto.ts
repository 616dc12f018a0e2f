import { ApiProperty, ApiPropertyOptional, OmitType, PartialType } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsNotEmpty,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  MinLength,
} from 'class-validator';

const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

export class CreateClientDto {
  @ApiProperty({ maxLength: 200 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name: string;

  @ApiProperty({ maxLength: 200, description: 'The `aud` of its access tokens', example: 'lemonApp' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  audience: string;

  @ApiPropertyOptional({ type: [String], maxItems: 50, description: 'Default: openid, profile, offline_access' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @Matches(SCOPE_TOKEN, { each: true, message: 'each scope must be a scope token (no spaces or quotes)' })
  scopes?: string[];

  @ApiPropertyOptional({ description: 'A public client has no secret; fixed at creation', default: false })
  @IsOptional()
  @IsBoolean()
  public?: boolean;
}

/** Every field of a client but its kind (public or confidential), which is fixed at creation. */
export class UpdateClientDto extends PartialType(OmitType(CreateClientDto, ['public'] as const)) {}

export class CreateUserDto {
  @ApiProperty({ maxLength: 320 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(320)
  loginId: string;

  @ApiProperty({ minLength: 8, maxLength: 1024, format: 'password' })
  @IsString()
  @MinLength(8)
  @MaxLength(1024)
  password: string;

  @ApiPropertyOptional({ type: [String], maxItems: 50 })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @MaxLength(100, { each: true })
  roles?: string[];
}

export class UpdateUserDto {
  @ApiPropertyOptional({ type: [String], maxItems: 50 })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @MaxLength(100, { each: true })
  roles?: string[];

  @ApiPropertyOptional({ description: 'A disabled user cannot log in; its sessions are revoked' })
  @IsOptional()
  @IsBoolean()
  disabled?: boolean;

  @ApiPropertyOptional({ minLength: 8, maxLength: 1024, format: 'password', description: 'A change revokes every session' })
  @IsOptional()
  @IsString()
  @MinLength(8)
  @MaxLength(1024)
  password?: string;
}
